/// Output formats of SPEC §5.
public enum OutputFormat: String, Sendable, CaseIterable {
    case table, csv, tsv, json, jsonl, markdown
}

public struct RenderOptions: Sendable {
    public var format: OutputFormat
    public var color: Bool
    /// Elide the middle of results longer than this (tables only); nil shows every row.
    public var maxRows: Int?
    /// Milliseconds to show in the table footer; nil shows the row count alone.
    public var milliseconds: Double?
    /// Fit tables into this many terminal columns: long cells are cut with `…`, and when
    /// that is not enough, middle columns give way to a `…` column. Nil: no limit.
    public var width: Int?
    /// Polled every thousand rows: a cancelled render stops early, and the caller, which
    /// knows it cancelled, shows `interrupted` instead of the partial text.
    public var cancellation: Cancellation = .never

    public init(format: OutputFormat, color: Bool = false, maxRows: Int? = nil, milliseconds: Double? = nil, width: Int? = nil) {
        self.format = format
        self.color = color
        self.maxRows = maxRows
        self.milliseconds = milliseconds
        self.width = width
    }
}

/// Turns a ``Frame`` into text in one of the output formats.
public enum Renderer {
    public static func render(_ frame: Frame, _ options: RenderOptions) -> String {
        if options.format == .table { return frame.chart.map { chart($0, options) } ?? table(frame, options) }
        var stream = Stream(options)
        return stream.chunk(frame) + stream.finish()
    }

    /// A result in one of the formats other than `table`, written a chunk of rows at a time
    /// (``Executor/Shape/chunks(rows:sink:)``): the header comes with the first chunk, and
    /// `finish` closes what the format needs closed. Rendering a whole frame is one chunk.
    public struct Stream {
        let options: RenderOptions
        private var rows = 0
        private var started = false
        private var keys: [String] = []
        /// Markdown's digit grouping per column, as the first chunk's values want it.
        private var grouped: [Bool] = []

        public init(_ options: RenderOptions) {
            self.options = options
        }

        /// The text of a chunk's rows (and, for the first, the header).
        public mutating func chunk(_ frame: Frame) -> String {
            var out = ""
            if !started {
                started = true
                switch options.format {
                case .csv, .tsv: out += frame.columns.map { delimitedCell($0.name) }.joined(separator: separator) + "\n"
                case .markdown:
                    grouped = frame.values.map { ValueFormat.wantsGrouping($0) }
                    out += "| " + frame.columns.map { markdownCell($0.name) }.joined(separator: " | ") + " |\n"
                    out += "|" + frame.columns.map { isNumeric($0.type) ? " ---: |" : " --- |" }.joined() + "\n"
                case .json, .jsonl: keys = frame.columns.map { jsonString($0.name) }
                case .table: break
                }
            }
            for r in 0..<frame.rowCount {
                if r % Cancellation.stride == 0, options.cancellation.poll() { break }
                switch options.format {
                case .csv, .tsv:
                    out += frame.values.indices.map { delimitedCell(ValueFormat.plain(frame[r, $0])) }.joined(separator: separator) + "\n"
                case .markdown:
                    out += "| " + frame.values.indices.map { c -> String in
                        let v = frame[r, c]
                        return v.isNull ? "" : markdownCell(ValueFormat.human(v, grouped: grouped[c]))
                    }.joined(separator: " | ") + " |\n"
                case .json, .jsonl:
                    let object = "{" + frame.values.indices.map { keys[$0] + ":" + jsonValue(frame[r, $0]) }.joined(separator: ",") + "}"
                    if options.format == .jsonl {
                        out += object + "\n"
                    } else {
                        out += (rows == 0 ? "[\n" : ",\n") + object
                    }
                case .table: break
                }
                rows += 1
            }
            return out
        }

        /// What ends the output: a JSON array's bracket.
        public func finish() -> String {
            guard options.format == .json else { return "" }
            return rows == 0 ? "[]\n" : "\n]\n"
        }

        private var separator: String { options.format == .tsv ? "\t" : "," }

        private func delimitedCell(_ s: String) -> String {
            if options.format == .tsv {
                // TSV has no quoting: tabs and line breaks inside a value become spaces.
                return String(s.map { $0 == "\t" || $0 == "\n" || $0 == "\r" || $0 == "\r\n" ? " " : $0 })
            }
            if s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" || $0 == "\r\n" }) {
                return "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\""
            }
            return s
        }

        private func markdownCell(_ s: String) -> String {
            s.replacingOccurrences(of: "|", with: "\\|").replacingOccurrences(of: "\n", with: "<br>")
        }
    }

    static func isNumeric(_ t: ValueType) -> Bool {
        switch t {
        case .int, .money, .decimal: true
        default: false
        }
    }

    // MARK: - JSON

    static func jsonValue(_ v: Value) -> String {
        switch v {
        case .null: return "null"
        case .bool(let b): return b ? "true" : "false"
        case .int, .money: return ValueFormat.plain(v)
        case .decimal(let d): return d.isFinite ? ValueFormat.plain(v) : "null"
        case .date, .string, .enumeration: return jsonString(ValueFormat.plain(v))
        case .list(let items): return "[" + items.map(jsonString).joined(separator: ",") + "]"
        }
    }

    static func jsonString(_ s: String) -> String {
        var out = "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if u.value < 0x20 {
                    let hex = String(u.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(u)
                }
            }
        }
        return out + "\""
    }

    // MARK: - Table

    static func table(_ frame: Frame, _ options: RenderOptions) -> String {
        let n = frame.totalRows
        // Which rows to show: all, or the first and last when eliding (rows the executor
        // left out for this, nil in `shown`, were never built).
        var shown: [Int?] = Array(0..<frame.rowCount)
        if let omitted = frame.omitted {
            shown = Array(0..<omitted.at) + [nil] + Array(omitted.at..<frame.rowCount)
        } else if let maxRows = options.maxRows, n > maxRows, maxRows >= 2 {
            let head = (maxRows + 1) / 2, tail = maxRows / 2
            shown = Array(0..<head) + [nil] + Array((n - tail)..<n)
        }
        // Digits are grouped in a column when a value shown needs it.
        let grouped = frame.values.map { column in ValueFormat.wantsGrouping(shown.compactMap { $0.map { column[$0] } }) }
        var cells: [[String]] = []
        for r in shown {
            guard let r else {
                cells.append([])
                continue
            }
            cells.append(frame.values.indices.map { c -> String in
                ValueFormat.human(frame[r, c], grouped: grouped[c]).replacingOccurrences(of: "\r\n", with: "↵").replacingOccurrences(of: "\n", with: "↵")
            })
        }
        var natural = frame.columns.map { ValueFormat.width($0.name) }
        for row in cells where !row.isEmpty {
            for (c, s) in row.enumerated() { natural[c] = max(natural[c], ValueFormat.width(s)) }
        }
        // The columns shown (nil: the marker for columns left out) and their widths.
        var (visible, widths) = fit(natural, into: options.width)
        let elision = "… \(ValueFormat.group(String(n - (shown.count - 1)))) more rows …"
        if shown.contains(nil), let lastColumn = widths.indices.last {
            // The elision line spans the table: widen the last column when the table is narrower.
            let inner = widths.reduce(0, +) + 3 * widths.count - 1
            widths[lastColumn] += max(0, ValueFormat.width(elision) + 1 - inner)
        }
        let numeric = frame.columns.map { isNumeric($0.type) }
        let paint = Paint(enabled: options.color)
        func line(_ l: String, _ m: String, _ r: String) -> String {
            l + widths.map { String(repeating: "─", count: $0 + 2) }.joined(separator: m) + r + "\n"
        }
        func pad(_ s: String, _ w: Int, right: Bool) -> String {
            let cut = ValueFormat.truncate(s, to: w)
            let fill = String(repeating: " ", count: max(0, w - ValueFormat.width(cut)))
            return right ? fill + cut : cut + fill
        }
        var out = ""
        if !visible.isEmpty {
            out += line("┌", "┬", "┐")
            out += "│" + visible.enumerated().map { i, c in " " + paint.bold(pad(c.map { frame.columns[$0].name } ?? "…", widths[i], right: false)) + " " }.joined(separator: "│") + "│\n"
            out += line("├", "┼", "┤")
            for (i, row) in cells.enumerated() {
                if row.isEmpty {
                    let inner = widths.reduce(0, +) + 3 * widths.count - 1
                    out += "│" + paint.dim(pad(" " + elision, inner, right: false)) + "│\n"
                    continue
                }
                out += "│" + visible.enumerated().map { v, column -> String in
                    guard let c = column else { return " " + paint.dim(pad("…", widths[v], right: false)) + " " }
                    let s = row[c]
                    var text = pad(s, widths[v], right: numeric[c])
                    if let r = shown[i], frame[r, c].isNull { text = paint.dim(text) } else if numeric[c], s.hasPrefix("-") { text = paint.red(text) }
                    return " " + text + " "
                }.joined(separator: "│") + "│\n"
            }
            out += line("└", "┴", "┘")
        }
        var footer = "\(ValueFormat.group(String(n))) row\(n == 1 ? "" : "s")"
        if visible.contains(where: { $0 == nil }) {
            let hidden = natural.count - visible.count + 1
            footer += ", \(hidden) column\(hidden == 1 ? "" : "s") not shown (.last shows every column)"
        }
        if let ms = options.milliseconds { footer += " (\(formatMilliseconds(ms)) ms)" }
        out += paint.dim(footer) + "\n"
        return out
    }

    /// Column widths that fit `limit` terminal columns: the widest columns are narrowed
    /// first (to no less than 10, or their own width); when even that is too wide, columns
    /// from the middle are left out and a `…` column (nil) marks where.
    static func fit(_ natural: [Int], into limit: Int?) -> (columns: [Int?], widths: [Int]) {
        let all = natural.indices.map { Optional($0) }
        guard let limit, !natural.isEmpty else { return (all, natural) }
        func total(_ ws: [Int]) -> Int { ws.reduce(0, +) + 3 * ws.count + 1 }
        if total(natural) <= limit { return (all, natural) }
        let minimum = 10
        func floor(_ w: Int) -> Int { min(w, minimum) }
        var columns = all
        func naturalWidths() -> [Int] { columns.map { $0.map { natural[$0] } ?? 1 } }
        // Leave out middle columns until the rest fit at their narrowest.
        while columns.count > 1, total(naturalWidths().map(floor)) > limit {
            let kept = columns.compactMap { $0 }
            if kept.count <= 1 { break }
            let drop = kept[kept.count / 2]
            columns.removeAll { $0 == drop }
            if !columns.contains(where: { $0 == nil }) {
                let at = columns.firstIndex { ($0 ?? -1) > drop } ?? columns.count
                columns.insert(nil, at: at)
            }
        }
        let ws = naturalWidths()
        // The largest cap on widths that fits.
        var lo = 0, hi = ws.max() ?? 0
        while lo < hi {
            let mid = (lo + hi + 1) / 2
            if total(ws.map { min($0, max(mid, floor($0))) }) <= limit { lo = mid } else { hi = mid - 1 }
        }
        return (columns, ws.map { min($0, max(lo, floor($0))) })
    }

    // MARK: - Chart

    /// Horizontal bars, scaled so the largest value spans 40 columns; the value follows each bar.
    static func chart(_ c: Chart, _ options: RenderOptions) -> String {
        let width = 40
        let numbers = c.values.map { $0.asDouble }
        let top = numbers.compactMap { $0 }.map { Swift.abs($0) }.max() ?? 0
        let grouped = ValueFormat.wantsGrouping(c.values)
        let labelWidth = max(ValueFormat.width(c.labelName), c.labels.map(ValueFormat.width).max() ?? 0)
        let paint = Paint(enabled: options.color)
        func pad(_ s: String) -> String { s + String(repeating: " ", count: max(0, labelWidth - ValueFormat.width(s))) }
        var out = paint.bold(pad(c.labelName)) + " │ " + paint.bold(c.valueName) + "\n"
        for (label, (value, number)) in zip(c.labels, zip(c.values, numbers)) {
            var bar = ""
            if let number, top > 0, number > 0 {
                // Eighths of a block for the last cell, so small differences still show.
                let eighths = Int((number / top * Double(width) * 8).rounded())
                bar = String(repeating: "█", count: eighths / 8)
                let rest = eighths % 8
                if rest > 0 { bar += String(["▏", "▎", "▍", "▌", "▋", "▊", "▉"][rest - 1]) }
            }
            let text = value.isNull ? paint.dim("null") : ValueFormat.human(value, grouped: grouped)
            out += pad(label) + " │ " + bar + (bar.isEmpty ? "" : " ") + text + "\n"
        }
        let n = c.labels.count
        var footer = "\(ValueFormat.group(String(n))) row\(n == 1 ? "" : "s")"
        if let ms = options.milliseconds { footer += " (\(formatMilliseconds(ms)) ms)" }
        return out + paint.dim(footer) + "\n"
    }

    public static func formatMilliseconds(_ ms: Double) -> String {
        let micros = Int64((ms * 1000).rounded())
        let frac = String(micros % 1000)
        return "\(micros / 1000)." + String(repeating: "0", count: 3 - frac.count) + frac
    }
}

/// ANSI styling, or nothing when colour is off.
struct Paint {
    let enabled: Bool
    func bold(_ s: String) -> String { enabled ? "\u{1B}[1m" + s + "\u{1B}[0m" : s }
    func dim(_ s: String) -> String { enabled ? "\u{1B}[2m" + s + "\u{1B}[0m" : s }
    func red(_ s: String) -> String { enabled ? "\u{1B}[31m" + s + "\u{1B}[0m" : s }
}
