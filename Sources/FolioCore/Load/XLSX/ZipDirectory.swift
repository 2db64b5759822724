/// The central directory of a ZIP archive: each entry's name, compression and the byte range
/// of its data, every offset and size checked to lie inside the file.
///
/// Only what a workbook needs is read: one disk, stored or deflated entries, ZIP64 sizes and
/// offsets. Decompression is ZIPFoundation's (see ``XLSXPackage``).
enum ZipDirectory {
    struct Entry {
        var name: String
        /// 0 stored, 8 deflated; anything else is refused when the entry is read.
        var method: Int
        var checksum: UInt32
        var uncompressedSize: Int
        /// Where the entry's (compressed) bytes are in the archive.
        var data: Range<Int>
    }

    private static let endSignature: UInt32 = 0x0605_4B50
    private static let zip64LocatorSignature: UInt32 = 0x0706_4B50
    private static let zip64EndSignature: UInt32 = 0x0606_4B50
    private static let directorySignature: UInt32 = 0x0201_4B50
    private static let localSignature: UInt32 = 0x0403_4B50

    static func entries(_ bytes: [UInt8]) throws(XLSXError) -> [Entry] {
        let damaged = XLSXError("not an .xlsx workbook: the ZIP archive is damaged or cut short")
        let reader = Reader(bytes: bytes)
        guard let end = findEnd(reader) else { throw damaged }
        guard var count = reader.u16(end + 10).map(Int.init),
              var size = reader.u32(end + 12).map(Int.init),
              var offset = reader.u32(end + 16).map(Int.init) else { throw damaged }
        if count == 0xFFFF || size == 0xFFFF_FFFF || offset == 0xFFFF_FFFF {
            // ZIP64: the real values are in a record the locator just before this one points to.
            guard reader.u32(end - 20) == zip64LocatorSignature, let record = reader.u64(end - 12),
                  reader.u32(record) == zip64EndSignature,
                  let c = reader.u64(record + 32), let s = reader.u64(record + 40), let o = reader.u64(record + 48)
            else { throw damaged }
            (count, size, offset) = (c, s, o)
        }
        guard offset <= bytes.count, size <= bytes.count - offset else { throw damaged }
        var entries: [Entry] = []
        var at = offset
        let directoryEnd = offset + size
        while entries.count < count {
            guard at + 46 <= directoryEnd, reader.u32(at) == directorySignature,
                  let entry = try entry(at: &at, limit: directoryEnd, reader) else { throw damaged }
            entries.append(entry)
        }
        return entries
    }

    /// The end-of-central-directory record, searched backwards over the comment it may carry.
    private static func findEnd(_ reader: Reader) -> Int? {
        let last = reader.bytes.count - 22
        guard last >= 0 else { return nil }
        for at in stride(from: last, through: max(0, last - 0xFFFF), by: -1) where reader.u32(at) == endSignature {
            return at
        }
        return nil
    }

    /// The directory entry at `at`, which moves past it; nil when its fields do not fit the file.
    private static func entry(at: inout Int, limit: Int, _ reader: Reader) throws(XLSXError) -> Entry? {
        guard let flags = reader.u16(at + 8), let method = reader.u16(at + 10), let checksum = reader.u32(at + 16),
              var compressed = reader.u32(at + 20).map(Int.init), var uncompressed = reader.u32(at + 24).map(Int.init),
              let nameLength = reader.u16(at + 28).map(Int.init), let extraLength = reader.u16(at + 30).map(Int.init),
              let commentLength = reader.u16(at + 32).map(Int.init), var local = reader.u32(at + 42).map(Int.init)
        else { return nil }
        let nameStart = at + 46
        let next = nameStart + nameLength + extraLength + commentLength
        guard next <= limit else { return nil }
        let name = String(decoding: reader.bytes[nameStart..<nameStart + nameLength], as: UTF8.self)
        if flags & 1 != 0 {
            throw XLSXError("not a readable .xlsx workbook: \(name) in the archive is encrypted")
        }
        // ZIP64 extended information: 8-byte values for the fields that hold 0xFFFFFFFF, in order.
        var extra = nameStart + nameLength
        let extraEnd = extra + extraLength
        while extra + 4 <= extraEnd, let id = reader.u16(extra), let length = reader.u16(extra + 2).map(Int.init) {
            let body = extra + 4
            guard body + length <= extraEnd else { return nil }
            if id == 0x0001 {
                var field = body
                func wide(_ value: inout Int) -> Bool {
                    guard value == 0xFFFF_FFFF else { return true }
                    guard field + 8 <= body + length, let v = reader.u64(field) else { return false }
                    value = v
                    field += 8
                    return true
                }
                guard wide(&uncompressed), wide(&compressed), wide(&local) else { return nil }
            }
            extra = body + length
        }
        // The local header repeats the name and has its own extra field; the data follows it.
        guard local <= reader.bytes.count - 30, reader.u32(local) == localSignature,
              let localName = reader.u16(local + 26).map(Int.init), let localExtra = reader.u16(local + 28).map(Int.init)
        else { return nil }
        let dataStart = local + 30 + localName + localExtra
        guard dataStart <= reader.bytes.count, compressed <= reader.bytes.count - dataStart else { return nil }
        at = next
        return Entry(name: name, method: Int(method), checksum: checksum, uncompressedSize: uncompressed,
                     data: dataStart..<dataStart + compressed)
    }

    /// Little-endian fields at byte offsets; nil for any that would reach past the end.
    private struct Reader {
        let bytes: [UInt8]

        func u16(_ at: Int) -> UInt16? {
            guard at >= 0, at <= bytes.count - 2 else { return nil }
            return UInt16(bytes[at]) | UInt16(bytes[at + 1]) << 8
        }

        func u32(_ at: Int) -> UInt32? {
            guard at >= 0, at <= bytes.count - 4 else { return nil }
            return (0..<4).reduce(0) { $0 | UInt32(bytes[at + $1]) << (8 * $1) }
        }

        /// An 8-byte field, nil also when it is too large to be an offset or size in memory.
        func u64(_ at: Int) -> Int? {
            guard at >= 0, at <= bytes.count - 8 else { return nil }
            let v = (0..<8).reduce(UInt64(0)) { $0 | UInt64(bytes[at + $1]) << (8 * $1) }
            return v <= UInt64(Int.max) ? Int(v) : nil
        }
    }
}
