/// Reads `xl/sharedStrings.xml`: the table that `t="s"` cells index.
struct SharedStringsHandler: XMLPartHandler {
    private(set) var strings: [String] = []
    private var item: StringItem?

    mutating func start(_ name: String, _ attributes: [String: String]) throws(XLSXError) {
        switch name {
        case "sst":
            // The declared count sizes the table; it is a hint and capped, never trusted.
            if let n = attributes["uniqueCount"].flatMap({ Int($0) }), n > 0 { strings.reserveCapacity(min(n, 1 << 20)) }
        case "si":
            item = StringItem()
        default:
            item?.start(name)
        }
    }

    mutating func characters(_ text: String) {
        item?.characters(text)
    }

    mutating func end(_ name: String) throws(XLSXError) {
        if name == "si" {
            strings.append(item?.text ?? "")
            item = nil
        } else {
            item?.end(name)
        }
    }
}
