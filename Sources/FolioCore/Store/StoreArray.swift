/// The array type of the store's columns and indexes: elements that live either in a Swift
/// array (a store parsed from CSV) or in memory something else keeps alive (a snapshot mapped
/// from the cache), read the same way and as fast as an array.
///
/// Reopening a snapshot used to read its 2.9 GB (1M accounts) into fresh arrays: most of a
/// reopen went to the kernel zeroing those pages before the copy. Mapped, the arrays are
/// the page cache's own pages, and a reopen costs little more than hashing them.
///
/// It is a value type: writing (`modify`, `append`, the subscript's setter) first copies
/// elements it does not own alone into an array of its own. The base pointer of an owned
/// array is taken once: the array sits in a box no one else can reach, so it never moves
/// until this type changes it, and then the pointer is taken again.
public struct StoreArray<Element>: @unchecked Sendable {
    /// The array holding the elements, when they are an array's.
    @usableFromInline var box: ArrayBox<Element>?
    /// What keeps foreign elements alive (a mapping), when they are not an array's.
    @usableFromInline var keeper: AnyObject?
    @usableFromInline var base: UnsafePointer<Element>?
    public private(set) var count: Int

    public init(_ array: [Element]) {
        let box = ArrayBox(array)
        self.box = box
        keeper = nil
        base = box.array.withUnsafeBufferPointer { $0.baseAddress }
        count = array.count
    }

    public init() { self.init([]) }

    /// `count` elements at `base`, which `keeper` keeps alive and unchanged.
    init(borrowing base: UnsafePointer<Element>, count: Int, keeper: AnyObject) {
        box = nil
        self.keeper = keeper
        self.base = base
        self.count = count
    }

    /// True when the elements are not an array's but borrowed (from a mapped snapshot).
    public var isBorrowed: Bool { keeper != nil }

    @inlinable
    public func withUnsafeBufferPointer<R>(_ body: (UnsafeBufferPointer<Element>) throws -> R) rethrows -> R {
        try withExtendedLifetime(self) { try body(UnsafeBufferPointer(start: base, count: count)) }
    }

    @inlinable
    public func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try withUnsafeBufferPointer { try body(UnsafeRawBufferPointer($0)) }
    }

    /// The elements as a Swift array (a copy unless they are one already).
    public var array: [Element] {
        if let box { return box.array }
        return withUnsafeBufferPointer { Array($0) }
    }

    /// Changes the elements as an array; borrowed or shared elements are copied first.
    public mutating func modify<R>(_ body: (inout [Element]) throws -> R) rethrows -> R {
        if box == nil || !isKnownUniquelyReferenced(&box) {
            box = ArrayBox(array)
            keeper = nil
        }
        let box = self.box.unsafelyUnwrapped
        defer {
            base = box.array.withUnsafeBufferPointer { $0.baseAddress }
            count = box.array.count
        }
        return try body(&box.array)
    }

    public mutating func append(_ element: Element) { modify { $0.append(element) } }

    public mutating func append<S: Sequence>(contentsOf elements: S) where S.Element == Element {
        modify { $0.append(contentsOf: elements) }
    }

    public mutating func removeLast() { modify { _ = $0.removeLast() } }

    public mutating func withUnsafeMutableBufferPointer<R>(_ body: (inout UnsafeMutableBufferPointer<Element>) throws -> R) rethrows -> R {
        try modify { try $0.withUnsafeMutableBufferPointer(body) }
    }
}

/// The owner of a ``StoreArray``'s array.
@usableFromInline
final class ArrayBox<Element> {
    @usableFromInline var array: [Element]
    init(_ array: [Element]) { self.array = array }
}

extension StoreArray: RandomAccessCollection {
    public typealias Index = Int
    public typealias Indices = Range<Int>

    @inlinable public var startIndex: Int { 0 }
    @inlinable public var endIndex: Int { count }

    @inlinable
    public subscript(i: Int) -> Element {
        get {
            precondition(UInt(bitPattern: i) < UInt(bitPattern: count), "StoreArray index out of range")
            return base.unsafelyUnwrapped[i]
        }
        set { modify { $0[i] = newValue } }
    }
}

extension StoreArray: ExpressibleByArrayLiteral {
    public init(arrayLiteral elements: Element...) { self.init(elements) }
}

extension StoreArray: Equatable where Element: Equatable {
    public static func == (a: StoreArray, b: StoreArray) -> Bool { a.elementsEqual(b) }
}

extension StoreArray: CustomStringConvertible {
    public var description: String { array.description }
}
