import Foundation
import FolioCore

/// What the options say, for every way of running queries (SPEC §5).
extension Arguments {
    var data: String? { value("data") }
    var today: String? { value("today") }
    var fiscalYearStart: Int? { value("fiscal-year-start").flatMap { Int($0) } }
    var lenient: Bool { flag("lenient") }
    var timer: Bool { flag("timer") }
    var noSnapshot: Bool { flag("no-snapshot") }

    /// Where snapshots of data directories are cached, unless turned off.
    var snapshotCache: SnapshotCache? { noSnapshot ? nil : SnapshotCache.standard() }

    func outputFormat(terminal: Bool) -> OutputFormat {
        value("format").flatMap { OutputFormat(rawValue: $0.lowercased()) } ?? (terminal ? .table : .csv)
    }

    var colorEnabled: Bool {
        !flag("no-color") && ProcessInfo.processInfo.environment["NO_COLOR"] == nil && isatty(STDOUT_FILENO) == 1
    }
}
