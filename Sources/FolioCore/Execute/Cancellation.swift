import Foundation
import Dispatch

/// Lets the caller stop a running query (the REPL's Ctrl-C). The evaluator polls it every
/// thousand rows — in scans, projections, sorts, grouping — so even a scan of
/// millions of rows stops within milliseconds, and throws ``Interrupted``.
public struct Cancellation: Sendable {
    let poll: @Sendable () -> Bool

    public init(_ poll: @escaping @Sendable () -> Bool) { self.poll = poll }

    /// True once the caller asked to stop.
    public var isCancelled: Bool { poll() }

    /// A query nobody can stop (batch runs).
    public static let never = Cancellation { false }

    /// Rows evaluated between two polls.
    static let stride = 1024

    @inline(__always)
    func check() throws(Interrupted) {
        if poll() { throw Interrupted() }
    }

    /// Calls `body` on consecutive ranges of `0..<count`, polling between them.
    @inline(__always)
    func chunks(_ count: Int, _ body: (Range<Int>) -> Void) throws(Interrupted) {
        var start = 0
        while start < count {
            try check()
            let end = min(count, start + Cancellation.stride)
            body(start..<end)
            start = end
        }
    }

    /// `rows.map(f)`, polling every few thousand rows.
    func map<T>(_ rows: [Int32], _ f: (Int) -> T) throws(Interrupted) -> [T] {
        var out: [T] = []
        out.reserveCapacity(rows.count)
        var start = 0
        while start < rows.count {
            if poll() {
                Garbage.discard(out)
                throw Interrupted()
            }
            let end = min(rows.count, start + Cancellation.stride)
            for i in start..<end { out.append(f(Int(rows[i]))) }
            start = end
        }
        return out
    }

    /// Sorts in place, polling every 65,536 comparisons.
    func sort<T>(_ items: inout [T], by areInOrder: (T, T) -> Bool) throws(Interrupted) {
        var comparisons = 0
        do {
            try items.sort { a, b in
                comparisons += 1
                if comparisons & 0xFFFF == 0 { try check() }
                return areInOrder(a, b)
            }
        } catch {
            throw Interrupted()
        }
    }

    /// Inputs at least this long are filtered on every core, in as many slices.
    static let parallelThreshold = 1 << 17

    /// The rows (of `rows`, or `0..<count` when nil) for which `keep` holds, polling.
    /// (`keep` only reads the immutable store, so it is safe to call from several threads.)
    func filter(_ rows: [Int32]?, count: Int, _ keep: @escaping (Int) -> Bool) throws(Interrupted) -> [Int32] {
        try filter(rows, count: count, batches: VectorFilter.rowByRow(keep))
    }

    /// The rows (of `rows`, or `0..<count` when nil) that `narrow` keeps, a batch of
    /// ``VectorFilter/batch`` row ids at a time, polling between batches. A long input is
    /// cut into a slice per core, filtered side by side, and joined in order.
    func filter(_ rows: [Int32]?, count: Int, batches narrow: @escaping VectorFilter.Narrow) throws(Interrupted) -> [Int32] {
        let n = rows?.count ?? count
        let slices = min(ProcessInfo.processInfo.activeProcessorCount, 8)
        guard n >= Self.parallelThreshold, slices > 1 else {
            guard let out = slice(0..<n, rows, narrow) else { throw Interrupted() }
            return out
        }
        let parts = ResultSlots<[Int32]>(count: slices)
        let shared = UncheckedBox(narrow)
        let input = UncheckedBox(rows)
        DispatchQueue.concurrentPerform(iterations: slices) { s in
            let range = (n * s / slices)..<(n * (s + 1) / slices)
            if let part = slice(range, input.value, shared.value) { parts.set(s, part) }
        }
        let done = parts.takeAll()
        if done.contains(where: { $0 == nil }) || poll() {
            Garbage.discard(done)
            throw Interrupted()
        }
        var out: [Int32] = []
        out.reserveCapacity(done.reduce(0) { $0 + ($1?.count ?? 0) })
        for part in done { out += part ?? [] }
        return out
    }

    /// The rows of positions `range` (of `rows`, or the row numbers themselves) that `narrow`
    /// keeps; nil when cancelled.
    private func slice(_ range: Range<Int>, _ rows: [Int32]?, _ narrow: VectorFilter.Narrow) -> [Int32]? {
        var out: [Int32] = []
        let batch = VectorFilter.batch
        return withUnsafeTemporaryAllocation(of: Int32.self, capacity: batch) { buffer -> [Int32]? in
            let ids = buffer.baseAddress.unsafelyUnwrapped
            var start = range.lowerBound
            while start < range.upperBound {
                if poll() { return nil }
                let end = min(range.upperBound, start + batch)
                if let rows {
                    rows.withUnsafeBufferPointer { rows in ids.update(from: rows.baseAddress.unsafelyUnwrapped + start, count: end - start) }
                } else {
                    for i in start..<end { ids[i - start] = Int32(truncatingIfNeeded: i) }
                }
                let kept = narrow(ids, end - start)
                out.append(contentsOf: UnsafeBufferPointer(start: ids, count: kept))
                start = end
            }
            return out
        }
    }
}

/// A query stopped by its ``Cancellation``.
public struct Interrupted: Error, Sendable {
    public init() {}
}

/// Frees what a cancelled query built on another thread: millions of strings take longer
/// to free than Ctrl-C may take to give the prompt back.
enum Garbage {
    final class Box<T>: @unchecked Sendable {
        var value: T?
        init(_ value: consuming T) { self.value = value }
    }

    /// Takes `value` over; its memory is released on a background thread.
    static func discard<T>(_ value: consuming T) {
        let box = Box(value)
        DispatchQueue.global(qos: .utility).async { box.value = nil }
    }
}
