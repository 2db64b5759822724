/// What one column's values are: their distinct texts, which of the loader's conversions
/// read every one of them, the texts that stand for null, dates, lists, uniqueness.
///
/// Every test is the loader's own (``CellParse``, ``DateFormat``), run on the distinct
/// values, so that a column the profile says is money loads as money.
struct ColumnProfile: Sendable {
    var header: String
    /// As the loader matches headers (`Close Date` → `close_date`).
    var normalized: String
    /// Letters and digits only, lower case (`StageName`, `Stage Name` → `stagename`).
    var squashed: String
    /// Distinct non-empty cells (untrimmed) in order of first appearance, with their counts.
    var distinct: [String] = []
    var counts: [String: Int] = [:]
    var nonEmpty = 0
    var rows = 0
    /// Texts that mean null (`N/A`, `-`) found in a column whose other values are typed.
    var nullTexts: [String] = []
    var kinds = ValueKinds()
    var dates = DateGuess.none
    /// A separator between short repeated items (`cat, wolf`).
    var listSeparator: String?
    /// A JSONL member given as arrays: a list however its items read.
    var isArray = false

    /// Every row has a value and no two are the same text.
    var isUniqueAndFilled: Bool { nonEmpty == rows && rows > 0 && distinct.count == rows }
    /// Every row has a value and no two are the same without regard to case (as keys match).
    var isUniqueFoldedAndFilled: Bool {
        guard isUniqueAndFilled else { return false }
        return Set(distinct.map(foldedKey)).count == distinct.count
    }
    /// The values that are not null texts.
    var values: [String] { nullTexts.isEmpty ? distinct : distinct.filter { !nullTexts.contains($0.trimmingCharacters(in: .whitespaces)) } }

    /// Which conversions read every (non-null) value.
    struct ValueKinds: Sendable {
        var int = true, plainInt = true, money = true, decimal = true, plainDecimal = true
        var bool = true, boolWord = true, zeroOne = true
        var leadingZero = false, currencySymbol = false, decimalPoint = false
        var maxDecimals = 0
        var any = false

        var isTyped: Bool { any && (int || money || decimal || bool) }
    }

    /// Texts exports write for "no value" (compared after trimming, without regard to case).
    static let nullMarkers: Set<String> = ["n/a", "#n/a", "null", "none", "nan", "-", "--", "#null!", "(blank)", "nil", "?"]
    /// Null texts safe for every column of a folder (the others are null only where found).
    static let folderNullMarkers: Set<String> = ["n/a", "#n/a", "null", "nan", "#null!", "(blank)"]

    /// Profiles a column from its cells (all of a file's rows, or its sample).
    init(header: String, cells: [String]) {
        self.header = header
        normalized = Loader.normalizeHeader(header)
        squashed = Self.squash(header)
        rows = cells.count
        for cell in cells where !cell.isEmpty {
            nonEmpty += 1
            if let n = counts[cell] {
                counts[cell] = n + 1
            } else {
                counts[cell] = 1
                distinct.append(cell)
            }
        }
        // Null texts count only where the rest of the column is typed: in a text column they may be values.
        let markers = distinct.filter { Self.nullMarkers.contains($0.trimmingCharacters(in: .whitespaces).lowercased()) }
        if !markers.isEmpty {
            let rest = distinct.filter { !markers.contains($0) }
            let k = Self.kinds(of: rest), d = DateGuess.guess(rest)
            if k.isTyped || d.isDate {
                kinds = k
                dates = d
                nullTexts = markers.map { $0.trimmingCharacters(in: .whitespaces) }
            }
        }
        if nullTexts.isEmpty {
            kinds = Self.kinds(of: distinct)
            dates = DateGuess.guess(distinct)
        }
        // Lists repeat (a few items make few combinations): a column of mostly different texts is not one.
        if !kinds.isTyped, !dates.isDate, distinct.count <= max(100, nonEmpty / 2) { listSeparator = Self.separator(distinct, counts: counts) }
    }

    /// Letters and digits only, in lower case: the form names are compared in.
    static func squash(_ s: String) -> String {
        String(decoding: s.utf8.compactMap { c -> UInt8? in
            let l = asciiLower(c)
            return (l >= 97 && l <= 122) || (l >= 48 && l <= 57) || l >= 0x80 ? l : nil
        }, as: UTF8.self)
    }

    /// Which of the loader's conversions read every one of the values.
    static func kinds(of values: [String]) -> ValueKinds {
        var k = ValueKinds()
        for value in values {
            // Once no type reads every value, the rest cannot make the column typed.
            if k.any, !k.int, !k.money, !k.decimal, !k.bool, !k.boolWord, !k.zeroOne { break }
            var v = value
            v.withUTF8 { raw in
                let t = CellParse.trimmed(raw)
                if t.isEmpty { return }
                k.any = true
                if k.int, CellParse.int(t) == nil { k.int = false }
                if k.plainInt, !Loader.isPlainInt(t) { k.plainInt = false }
                if k.money, CellParse.money(t) == nil { k.money = false }
                if k.decimal, CellParse.decimal(t) == nil { k.decimal = false }
                if k.plainDecimal, !Loader.isPlainDecimal(t) { k.plainDecimal = false }
                if k.bool, CellParse.bool(t) == nil { k.bool = false }
                let word = CellParse.equalsFolded(t, "true") || CellParse.equalsFolded(t, "false") || CellParse.equalsFolded(t, "yes") || CellParse.equalsFolded(t, "no")
                if k.boolWord, !word { k.boolWord = false }
                if k.zeroOne, !(t.count == 1 && (t[0] == 48 || t[0] == 49)) { k.zeroOne = false }
                if t.count > 1, t[0] == 48, t[1] &- 48 < 10 { k.leadingZero = true }
                if t.contains(where: { $0 == 36 || $0 >= 0x80 }) { k.currencySymbol = true }
                if let dot = t.firstIndex(of: 46) {
                    k.decimalPoint = true
                    k.maxDecimals = max(k.maxDecimals, t.count - dot - 1)
                }
            }
        }
        if !k.any { k = ValueKinds(int: false, plainInt: false, money: false, decimal: false, plainDecimal: false, bool: false, boolWord: false, zeroOne: false) }
        return k
    }

    /// The separator of a column of lists: values that hold it split into short items, each
    /// of which the column holds elsewhere too (`cat, wolf` next to `cat` and `wolf`), so that
    /// names with a comma (`Maiden Holdings, Ltd.`) are not taken for lists.
    static func separator(_ values: [String], counts: [String: Int]) -> String? {
        for sep in [", ", ";", "|"] {
            let split = values.filter { $0.contains(sep) }
            guard split.count >= 2 else { continue }
            var itemUses: [String: Int] = [:]
            for v in values {
                for item in v.components(separatedBy: sep) {
                    let t = item.trimmingCharacters(in: .whitespaces)
                    if !t.isEmpty { itemUses[t, default: 0] += counts[v] ?? 1 }
                }
            }
            let items = split.flatMap { $0.components(separatedBy: sep).map { $0.trimmingCharacters(in: .whitespaces) } }.filter { !$0.isEmpty }
            guard !items.isEmpty, items.allSatisfy({ $0.count <= 40 }) else { continue }
            let repeated = items.filter { (itemUses[$0] ?? 0) >= 2 || counts[$0] != nil }
            // Few distinct items, most of them used more than once.
            if repeated.count * 10 >= items.count * 9, Set(items).count <= max(split.count, 3), itemUses.count <= max(50, values.count / 5) { return sep }
        }
        return nil
    }
}
