#if canImport(Glibc)
import Glibc
#endif

/// Asks the kernel to back a large array's reserved storage with 2 MiB pages.
///
/// The loader reserves columns for the most rows a file can hold and fills them once; with
/// 4 KiB pages a fifth of a load went to page faults. Transparent huge pages here are
/// "madvise" by default, so they must be asked for. A hint only: nothing changes if the
/// kernel says no.
func adviseHugePages<T>(_ array: inout [T]) {
    let bytes = array.capacity * MemoryLayout<T>.stride
    array.withUnsafeMutableBufferPointer { buffer in
        guard let base = buffer.baseAddress else { return }
        adviseHugePages(UnsafeMutableRawBufferPointer(start: UnsafeMutableRawPointer(base), count: bytes))
    }
}

/// The same for memory about to be filled (an array's uninitialised storage).
func adviseHugePages(_ buffer: UnsafeMutableRawBufferPointer) {
    #if os(Linux)
    guard buffer.count >= 8 << 20, let base = buffer.baseAddress else { return }
    let huge: UInt = 2 << 20
    let start = (UInt(bitPattern: base) + huge - 1) & ~(huge - 1)
    let end = (UInt(bitPattern: base) + UInt(buffer.count)) & ~(huge - 1)
    guard end > start, let pointer = UnsafeMutableRawPointer(bitPattern: start) else { return }
    _ = madvise(pointer, Int(end - start), MADV_HUGEPAGE)
    #endif
}

/// Gives back the pages of an array's capacity beyond its elements (a column reserved for the
/// most rows its file could hold): with huge pages, a touched 2 MiB page is resident whole.
/// The capacity stays; its pages come back zeroed if it is ever filled.
func releaseUnusedCapacity<T>(_ array: inout [T]) {
    #if os(Linux)
    // Unique first: on a shared array, withUnsafeMutableBufferPointer copies it into a
    // buffer of its own, whose capacity may be smaller than the shared one's; measured
    // before that, the advice would reach past the copy into other objects' memory.
    array.withUnsafeMutableBufferPointer { _ in }
    let used = array.count * MemoryLayout<T>.stride, reserved = array.capacity * MemoryLayout<T>.stride
    guard reserved - used >= 1 << 20 else { return }
    array.withUnsafeMutableBufferPointer { buffer in
        guard let base = buffer.baseAddress else { return }
        let page: UInt = 4096
        let start = (UInt(bitPattern: base) + UInt(used) + page - 1) & ~(page - 1)
        let end = (UInt(bitPattern: base) + UInt(reserved)) & ~(page - 1)
        guard end > start, let pointer = UnsafeMutableRawPointer(bitPattern: start) else { return }
        _ = madvise(pointer, Int(end - start), MADV_DONTNEED)
    }
    #endif
}
