/// The text of a string item (`<si>` in the shared strings, `<is>` in a cell): its `<t>`,
/// or its rich-text runs' `<t>`s joined, leaving out phonetic guides (`<rPh>`).
struct StringItem {
    private(set) var raw = ""
    private var inText = false
    private var phoneticDepth = 0

    var text: String { XLSXText.unescaped(raw) }

    mutating func start(_ name: String) {
        switch name {
        case "t": inText = phoneticDepth == 0
        case "rPh": phoneticDepth += 1
        default: break
        }
    }

    mutating func characters(_ text: String) {
        if inText { raw += text }
    }

    mutating func end(_ name: String) {
        switch name {
        case "t": inText = false
        case "rPh": phoneticDepth -= 1
        default: break
        }
    }
}
