import Testing
@testable import FolioCore

/// `StoreArray`: an array's elements or borrowed memory, read alike, with value semantics.
@Suite struct StoreArrayTests {
    /// Borrowed memory that says when it is let go.
    final class Memory {
        let pointer: UnsafeMutablePointer<Int32>
        let count: Int
        let released: () -> Void

        init(_ values: [Int32], released: @escaping () -> Void) {
            count = values.count
            pointer = .allocate(capacity: values.count)
            pointer.initialize(from: values, count: values.count)
            self.released = released
        }

        deinit {
            pointer.deinitialize(count: count)
            pointer.deallocate()
            released()
        }
    }

    @Test func readsLikeAnArray() {
        let a: StoreArray<Int32> = [3, 1, 4, 1, 5]
        #expect(a.count == 5)
        #expect(a[2] == 4)
        #expect(Array(a) == [3, 1, 4, 1, 5])
        #expect(a.withUnsafeBufferPointer { $0.reduce(0, +) } == 14)
        #expect(a.withUnsafeBytes { $0.count } == 20)
        #expect(!a.isBorrowed)
        #expect(StoreArray<Int32>().isEmpty)
        #expect(StoreArray<Int32>().withUnsafeBufferPointer { $0.count } == 0)
        #expect(a == StoreArray([3, 1, 4, 1, 5]))
        #expect(a != [3, 1, 4, 1])
    }

    @Test func copiesAreIndependent() {
        var a: StoreArray<Int32> = [1, 2, 3]
        let b = a
        a.append(4)
        a[0] = 9
        #expect(Array(a) == [9, 2, 3, 4])
        #expect(Array(b) == [1, 2, 3])
        var c = b
        c.withUnsafeMutableBufferPointer { $0[1] = 7 }
        #expect(Array(c) == [1, 7, 3])
        #expect(Array(b) == [1, 2, 3])
        c.removeLast()
        c.append(contentsOf: [5, 6])
        #expect(Array(c) == [1, 7, 5, 6])
    }

    @Test func ownedElementsChangeInPlace() {
        var a = StoreArray([Int32](repeating: 0, count: 1000))
        let before = a.withUnsafeBufferPointer { $0.baseAddress }
        a.modify { $0[999] = 1 }
        a[0] = 2
        #expect(a.withUnsafeBufferPointer { $0.baseAddress } == before, "no copy when the array is not shared")
        #expect(a[999] == 1 && a[0] == 2)
    }

    @Test func borrowedMemoryLivesAsLongAsAnyCopy() {
        var released = 0
        var copy: StoreArray<Int32>? = nil
        do {
            let memory = Memory([10, 20, 30]) { released += 1 }
            let borrowed = StoreArray(borrowing: memory.pointer, count: memory.count, keeper: memory)
            #expect(borrowed.isBorrowed)
            #expect(Array(borrowed) == [10, 20, 30])
            copy = borrowed
        }
        #expect(released == 0)
        #expect(copy.map(Array.init) == [10, 20, 30])
        // Writing copies the elements into an array of its own and lets the memory go.
        copy?.append(40)
        #expect(released == 1)
        #expect(copy?.isBorrowed == false)
        #expect(copy.map(Array.init) == [10, 20, 30, 40])
    }

    @Test func writingNeverChangesBorrowedMemory() {
        let memory = Memory([1, 2, 3]) {}
        var a = StoreArray(borrowing: memory.pointer, count: 3, keeper: memory)
        a[1] = 5
        #expect(Array(a) == [1, 5, 3])
        #expect(memory.pointer[1] == 2)
    }
}
