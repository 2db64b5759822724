/// Strings laid out NUL-terminated in one buffer, lent to libpq as a `const char *const *`.
///
/// One allocation for all of a statement's parameters, rather than one strdup each; nil
/// entries stay NULL pointers (a NULL parameter, or the end of a keyword list).
struct CStringArray {
    private var bytes: [CChar] = []
    private var offsets: [Int?] = []

    init(_ strings: [String?]) {
        for string in strings {
            guard let string else {
                offsets.append(nil)
                continue
            }
            offsets.append(bytes.count)
            bytes.append(contentsOf: string.utf8.lazy.map { CChar(bitPattern: $0) })
            bytes.append(0)
        }
    }

    var count: Int { offsets.count }

    /// Calls `body` with a pointer per string, valid only during the call.
    func withPointers<Result, Failure: Error>(
        _ body: ([UnsafePointer<CChar>?]) throws(Failure) -> Result
    ) throws(Failure) -> Result {
        try bytes.withUnsafeBufferPointer { (buffer) throws(Failure) -> Result in
            let pointers = offsets.map { offset -> UnsafePointer<CChar>? in
                // No bytes means every entry is nil: a nil base is never offset.
                guard let offset, let base = buffer.baseAddress else { return nil }
                return base + offset
            }
            return try body(pointers)
        }
    }
}
