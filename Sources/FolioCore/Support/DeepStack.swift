import Foundation

/// Runs work that recurses once per level of a query's nesting (parsing, checking,
/// compiling, printing a query) on a thread whose stack is large enough for the deepest
/// query ``Parser/maxDepth`` allows, whatever stack the caller's thread has.
///
/// A debug build spends about 33 KB of stack per level in the checker and compiler, a
/// release build about 3.5 KB (measured with `ulimit -s` on queries at the limit, see
/// `docs/reliability.md`); the main thread's stack is whatever `ulimit -s` says, and a test
/// runner's threads may have less. So the work runs on one long-lived thread with a
/// 64 MiB stack (untouched pages of a stack cost nothing), one job at a time (a second
/// caller at the same time gets a thread of its own); a call from such a thread runs in place.
///
/// ```
/// let outcomes = DeepStack.run { session.runHere(text) }
/// ```
public enum DeepStack {
    /// The stack of the worker thread.
    public static let size = 64 << 20

    public static func run<T>(_ body: () -> T) -> T {
        if Thread.current.threadDictionary[key] != nil { return body() }
        return withoutActuallyEscaping(body) { escapable in
            let box = ResultBox<T>()
            let worker = pool.take()
            worker.perform { box.value = escapable() }
            pool.give(worker)
            guard let value = box.value else { preconditionFailure("the deep-stack worker returned nothing") }
            return value
        }
    }

    private static let key = "folio.deep-stack"

    private final class ResultBox<T>: @unchecked Sendable {
        var value: T?
    }

    /// Threads waiting for work: one in the command line, as many as run at once in tests.
    private final class Pool: @unchecked Sendable {
        private let lock = NSLock()
        private var idle: [Worker] = []

        func take() -> Worker {
            lock.lock()
            defer { lock.unlock() }
            return idle.popLast() ?? Worker()
        }

        func give(_ w: Worker) {
            lock.lock()
            idle.append(w)
            lock.unlock()
        }
    }

    private static let pool = Pool()

    /// A thread with a deep stack, and the one job it is given at a time.
    private final class Worker: @unchecked Sendable {
        private let start = DispatchSemaphore(value: 0)
        private let done = DispatchSemaphore(value: 0)
        private var job: (() -> Void)?

        init() {
            let t = Thread { [unowned self] in
                Thread.current.threadDictionary[DeepStack.key] = true
                while true {
                    self.start.wait()
                    self.job?()
                    self.job = nil
                    self.done.signal()
                }
            }
            t.stackSize = DeepStack.size
            t.name = "folio-deep-stack"
            t.start()
        }

        func perform(_ job: @escaping () -> Void) {
            self.job = job
            start.signal()
            done.wait()
        }
    }
}
