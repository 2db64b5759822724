import CLibedit
import CTerminal
import Foundation

/// The terminal line reader on libedit: emacs (or vi) editing, UTF-8, history with
/// reverse incremental search (Ctrl-R), and Tab completion from a completer.
///
/// Ctrl-C: the SIGINT handler (``Interrupts``) has no SA_RESTART, so a Ctrl-C while
/// libedit waits for a key makes its read fail with EINTR; ``readLine(prompt:)`` reports
/// that as `.interrupted` (the line is dropped), while Ctrl-D on an empty line is `.end`.
public final class EditLineReader: LineReader {
    public var pendingText = ""
    /// Called on Tab with the statement text before the cursor.
    public var completer: ((String) -> Completion)?

    private let editLine: OpaquePointer
    private let history: OpaquePointer
    private let historyFile: HistoryFile?
    private var prompt: UnsafeMutablePointer<CChar>?
    /// Why the last history save failed, reported once.
    public private(set) var historyError: String?

    /// The prompt may hold colour codes between two `\u{1}` markers; libedit does not
    /// count what is inside them, so the cursor lands where it should.
    public init(historyFile: HistoryFile?) {
        // Before el_init: without a UTF-8 locale libedit silently drops `Müller`.
        folio_use_utf8_locale()
        editLine = folio_el_init("folio")
        history = history_init()
        self.historyFile = historyFile
        folio_history_set_size(history, Int32(historyFile?.capacity ?? 2000))
        folio_history_set_unique(history, 1)
        for entry in historyFile?.entries ?? [] { folio_history_enter(history, entry) }
        folio_el_set_history(editLine, history)
        folio_el_use_interruptible_reader(editLine)
        folio_el_set_client_data(editLine, Unmanaged.passUnretained(self).toOpaque())
        folio_el_set_prompt(editLine, { el in
            guard let el, let data = folio_el_client_data(el) else { return nil }
            return Unmanaged<EditLineReader>.fromOpaque(data).takeUnretainedValue().prompt
        }, 1)
        folio_el_add_function(editLine, "folio-complete", "Complete the word before the cursor", { el, _ in
            guard let el, let data = folio_el_client_data(el) else { return UInt8(CC_ERROR) }
            return Unmanaged<EditLineReader>.fromOpaque(data).takeUnretainedValue().complete()
        })
        setEditingMode(.emacs)
        Interrupts.install()
    }

    deinit {
        el_end(editLine)
        history_end(history)
        free(prompt)
    }

    public func setEditingMode(_ mode: EditingMode) {
        folio_el_set_editor(editLine, mode.rawValue)
        folio_el_bind(editLine, "^I", "folio-complete")
        folio_el_bind(editLine, "^R", "em-inc-search-prev")
    }

    public func readLine(prompt text: String) -> LineInput {
        free(prompt)
        prompt = strdup(text)
        el_resize(editLine)
        Interrupts.clear()
        var count: Int32 = 0
        guard let line = el_gets(editLine, &count) else {
            if Interrupts.pending || (count < 0 && errno == EINTR) {
                Interrupts.clear()
                el_reset(editLine)
                return .interrupted
            }
            return .end
        }
        if Interrupts.pending {
            Interrupts.clear()
            return .interrupted
        }
        var s = String(cString: line)
        if s.hasSuffix("\n") { s.removeLast() }
        return .line(s)
    }

    public func addHistory(_ entry: String) {
        guard let historyFile else {
            folio_history_enter(history, entry)
            return
        }
        guard historyFile.remember(entry) else { return }
        folio_history_enter(history, historyFile.entries.last ?? entry)
        do {
            try historyFile.save()
        } catch {
            if historyError == nil {
                historyError = "\(error)"
                FileHandle.standardError.write(Data("warning: history not saved: \(error)\n".utf8))
            }
        }
    }

    // MARK: - Tab

    /// Completes the word before the cursor: one candidate replaces it; several extend it
    /// to their common prefix, or are listed under the line.
    private func complete() -> UInt8 {
        guard let completer, let info = el_line(editLine),
              let start = UnsafeRawPointer(info.pointee.buffer), let cursor = UnsafeRawPointer(info.pointee.cursor) else { return UInt8(CC_ERROR) }
        let before = String(decoding: UnsafeRawBufferPointer(start: start, count: cursor - start), as: UTF8.self)
        let context = pendingText.isEmpty ? before : pendingText + "\n" + before
        let completion = completer(context)
        guard !completion.candidates.isEmpty else { return UInt8(CC_REFRESH_BEEP) }
        if completion.candidates.count == 1 {
            replaceWord(completion.word, with: completion.candidates[0] + completion.suffix)
            return UInt8(CC_REFRESH)
        }
        let common = completion.commonPrefix
        if common.count > completion.word.count {
            replaceWord(completion.word, with: common)
            return UInt8(CC_REFRESH)
        }
        let columns = Int(folio_terminal_columns(STDOUT_FILENO))
        let listing = EditLineReader.columnise(completion.candidates, width: columns > 0 ? columns : 80)
        FileHandle.standardOutput.write(Data(("\n" + listing).utf8))
        return UInt8(CC_REDISPLAY)
    }

    private func replaceWord(_ word: String, with replacement: String) {
        if !word.isEmpty { el_deletestr(editLine, Int32(word.count)) }
        _ = el_insertstr(editLine, replacement)
    }

    /// Candidates in columns, down then across, as shells list them.
    public static func columnise(_ items: [String], width: Int) -> String {
        let cell = (items.map(\.count).max() ?? 0) + 2
        let perLine = max(1, width / max(1, cell))
        let rows = (items.count + perLine - 1) / perLine
        var out = ""
        for r in 0..<rows {
            var line = ""
            for c in 0..<perLine {
                let i = c * rows + r
                guard i < items.count else { break }
                let item = items[i]
                line += item + (c == perLine - 1 || i + rows >= items.count ? "" : String(repeating: " ", count: cell - item.count))
            }
            out += line + "\n"
        }
        return out
    }
}

/// Ctrl-C: a SIGINT handler that only sets a flag (installed without SA_RESTART), which
/// the prompt and running queries read.
public enum Interrupts {
    public static func install() { folio_sigint_install() }
    public static var pending: Bool { folio_sigint_pending() != 0 }
    public static func clear() { folio_sigint_clear() }
}

/// The terminal's width in columns, or nil when standard output is not a terminal.
public func terminalColumns() -> Int? {
    let n = Int(folio_terminal_columns(STDOUT_FILENO))
    return n > 0 ? n : nil
}
