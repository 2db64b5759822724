/// The tree a self-referencing key makes (accounts' `parent_id`, managers' `lead_id`), as
/// arrays built once at load: the rows in depth-first preorder (each row's subtree is then a
/// contiguous stretch), every row's place in that order and where its subtree ends, its
/// root and its depth. So `descendants` is a slice, `root` is a lookup, `count(ancestors)`
/// is the depth, and an aggregate over every subtree is one pass over the order.
public struct Hierarchy: Sendable {
    /// The rows in preorder: roots in row order, each followed by its subtree, children in
    /// row order.
    public var order: StoreArray<Int32>
    /// Row → its index in `order`.
    public var position: StoreArray<Int32>
    /// Row → the index in `order` just past its subtree.
    public var end: StoreArray<Int32>
    /// Row → the topmost row above it (itself when it has no parent).
    public var root: StoreArray<Int32>
    /// Row → how many rows are above it (0 for a root).
    public var depth: StoreArray<Int32>

    /// The descendants of `row`: a stretch of `order`.
    @inlinable
    public func descendants(_ row: Int) -> Range<Int> { (Int(position[row]) + 1)..<Int(end[row]) }

    /// Builds the arrays from the parent links (-1: no parent) and the children of each row
    /// (the key's inverse collection). The links must have no cycle (``Hierarchy/cycles(_:)``).
    /// Iterative: a chain of a million rows is as easy as a bush.
    public init(links: StoreArray<Int32>, children: CSR) {
        let n = links.count
        var order = [Int32](repeating: 0, count: n)
        var position = [Int32](repeating: 0, count: n)
        var end = [Int32](repeating: 0, count: n)
        var root = [Int32](repeating: 0, count: n)
        var depth = [Int32](repeating: 0, count: n)
        var next = 0
        // The stack holds (row, index of its next child to visit).
        var stack: [(row: Int32, child: Int32)] = []
        for r in 0..<n where links[r] < 0 {
            order[next] = Int32(r)
            position[r] = Int32(next)
            root[r] = Int32(r)
            next += 1
            stack.append((Int32(r), children.offsets[r]))
            while let top = stack.last {
                let row = Int(top.row)
                if top.child < children.offsets[row + 1] {
                    let c = Int(children.rows[Int(top.child)])
                    stack[stack.count - 1].child += 1
                    order[next] = Int32(c)
                    position[c] = Int32(next)
                    root[c] = Int32(r)
                    depth[c] = depth[row] + 1
                    next += 1
                    stack.append((Int32(c), children.offsets[c]))
                } else {
                    end[row] = Int32(next)
                    stack.removeLast()
                }
            }
        }
        self.order = StoreArray(order)
        self.position = StoreArray(position)
        self.end = StoreArray(end)
        self.root = StoreArray(root)
        self.depth = StoreArray(depth)
    }

    public init(order: StoreArray<Int32>, position: StoreArray<Int32>, end: StoreArray<Int32>, root: StoreArray<Int32>, depth: StoreArray<Int32>) {
        self.order = order
        self.position = position
        self.end = end
        self.root = root
        self.depth = depth
    }

    /// Every cycle of the parent links (A's parent is B, B's is A), each as its rows in
    /// link order starting from the row met first: found by walking up from each row and
    /// marking, once, without recursion.
    public static func cycles(_ links: [Int32]) -> [[Int]] {
        let n = links.count
        // 0: not seen, 1: on the walk now (with the walk's number), 2: done.
        var state = [UInt8](repeating: 0, count: n)
        var walkOf = [Int32](repeating: -1, count: n)
        var found: [[Int]] = []
        for start in 0..<n where state[start] == 0 {
            var path: [Int] = []
            var r = start
            while r >= 0, state[r] == 0 {
                state[r] = 1
                walkOf[r] = Int32(start)
                path.append(r)
                let p = Int(links[r])
                r = p
            }
            if r >= 0, state[r] == 1, walkOf[r] == Int32(start), let first = path.firstIndex(of: r) {
                found.append(Array(path[first...]))
            }
            for v in path { state[v] = 2 }
        }
        return found
    }
}
