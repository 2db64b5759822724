/// What a mapping says about one column's cells (SPEC §3): texts that mean null, labels to
/// replace, how dates are written, how a list is separated, and a value for every row.
/// Built once per column of a file; the builder asks it about each cell.
struct CellRules: Sendable {
    /// Cell texts read as null (ASCII case folded), besides the empty cell.
    var nulls: [[UInt8]] = []
    /// Normalized label (case, spaces, dashes, underscores alike) → the value it stands for.
    var labels: [[UInt8]: [UInt8]] = [:]
    /// The lengths of the labels, so that most cells are ruled out without normalizing them.
    var labelLengths: Set<Int> = []
    var dateFormat: DateFormat = .iso
    var listSeparator: [UInt8] = [59]
    /// A value for every row (the field has no column).
    var constant: [UInt8]?

    var isEmpty: Bool { nulls.isEmpty && labels.isEmpty && dateFormat.isISO && listSeparator == [59] && constant == nil }

    init() {}

    init(nulls: [String], labels: [(String, String)], dateFormat: DateFormat?, listSeparator: String?, constant: String?) {
        self.nulls = nulls.map { Array($0.trimmingCharacters(in: .whitespaces).utf8.map(asciiLower)) }
        for (label, value) in labels {
            let key = Array(label.utf8.map(EnumDomain.normalizeByte))
            self.labels[key] = Array(value.utf8)
            labelLengths.insert(key.count)
        }
        if let dateFormat { self.dateFormat = dateFormat }
        if let listSeparator { self.listSeparator = Array(listSeparator.utf8) }
        self.constant = constant.map { Array($0.utf8) }
    }

    /// Whether a (trimmed) cell is one of the texts that mean null.
    @inline(__always)
    func isNull(_ cell: UnsafeBufferPointer<UInt8>) -> Bool {
        if nulls.isEmpty { return false }
        let t = CellParse.trimmed(cell)
        for n in nulls where n.count == t.count {
            var same = true
            for i in 0..<n.count where asciiLower(t[i]) != n[i] {
                same = false
                break
            }
            if same { return true }
        }
        return false
    }

    /// The value a label stands for, when the cell is one of the mapped labels.
    func mapped(_ cell: UnsafeBufferPointer<UInt8>) -> [UInt8]? {
        guard !labels.isEmpty else { return nil }
        let t = CellParse.trimmed(cell)
        guard labelLengths.contains(t.count) else { return nil }
        return labels[t.map(EnumDomain.normalizeByte)]
    }
}

import Foundation
