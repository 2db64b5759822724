import Foundation
import ZIPFoundation

/// The parts of a workbook's ZIP container, looked up by path and extracted on demand.
///
/// `try XLSXPackage(bytes).part("xl/workbook.xml")` is the workbook part's bytes, or nil when
/// the archive has no such part.
///
/// The central directory is walked here (``ZipDirectory``), with every offset and size
/// checked against the file, and ZIPFoundation inflates and checksums the parts. ZIPFoundation's
/// `Archive` reader is not used for reading: in 0.9.20 a memory-backed archive traps when an
/// offset points past the end of the data (weichsel/ZIPFoundation#394, open), and on Linux its
/// inflate loop spins forever when a damaged stream runs into the end of the file. Giving
/// `Data.decompress` exactly the entry's bytes and failing once they are used up avoids both.
struct XLSXPackage {
    private let bytes: [UInt8]
    /// Entries by path with ASCII case folded: OOXML part names are case-insensitive, and
    /// some writers store `xl/SharedStrings.xml` where the relationship says `sharedStrings.xml`.
    private let entries: [String: ZipDirectory.Entry]

    /// The most one part may expand to. A declared size above it is a damaged or hostile
    /// archive (a "ZIP bomb"), not a sheet anyone can load.
    static let maxPartBytes = 4 << 30
    /// Bytes handed to the inflater at a time.
    private static let chunkBytes = 1 << 16

    init(_ bytes: [UInt8]) throws(XLSXError) {
        if bytes.starts(with: [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) {
            // An OLE compound file: the old binary .xls format, or an .xlsx with a password
            // (Excel wraps encrypted workbooks in one).
            throw XLSXError("not an .xlsx workbook: this is an old-style .xls file or a password-protected workbook; save it from Excel as .xlsx without a password")
        }
        guard bytes.starts(with: [0x50, 0x4B]) else {
            throw XLSXError("not an .xlsx workbook: the file is not a ZIP archive")
        }
        var byPath: [String: ZipDirectory.Entry] = [:]
        for entry in try ZipDirectory.entries(bytes) where !entry.name.hasSuffix("/") {
            let key = Self.folded(entry.name)
            // The ZIP format allows duplicate names; the first one is the one Excel reads.
            if byPath[key] == nil { byPath[key] = entry }
        }
        guard !byPath.isEmpty else { throw XLSXError("not an .xlsx workbook: the ZIP archive is empty") }
        self.bytes = bytes
        entries = byPath
    }

    func contains(_ path: String) -> Bool { entries[Self.folded(path)] != nil }

    /// The bytes of the part at `path`, or nil when there is no such part.
    func part(_ path: String) throws(XLSXError) -> Data? {
        guard let entry = entries[Self.folded(path)] else { return nil }
        guard entry.uncompressedSize <= Self.maxPartBytes else {
            throw XLSXError("\(path) in the workbook claims to expand to \(entry.uncompressedSize) bytes: the file is damaged or not a real workbook")
        }
        let data: Data
        let checksum: CRC32
        switch entry.method {
        case 0:
            data = Data(bytes[entry.data])
            checksum = data.crc32(checksum: 0)
        case 8:
            (data, checksum) = try inflate(entry, path: path)
        default:
            throw XLSXError("\(path) in the workbook is compressed with method \(entry.method), which folio cannot read; save the workbook again from Excel")
        }
        guard data.count == entry.uncompressedSize, checksum == entry.checksum else {
            throw XLSXError("\(path) in the workbook is damaged: its size or checksum does not match the archive's directory")
        }
        return data
    }

    private func inflate(_ entry: ZipDirectory.Entry, path: String) throws(XLSXError) -> (Data, CRC32) {
        var out = Data()
        // A declared size is a hint until the bytes are there: reserve no more than 64 MB on its word.
        out.reserveCapacity(min(entry.uncompressedSize, 64 << 20))
        guard !entry.data.isEmpty else { return (out, 0) }
        var next = entry.data.lowerBound
        do {
            let checksum = try Data.decompress(
                size: Int64(entry.data.count), bufferSize: Self.chunkBytes, skipCRC32: false,
                provider: { _, size in
                    guard next < entry.data.upperBound else {
                        throw XLSXError("\(path) in the workbook is damaged: its compressed data ends before the stream does")
                    }
                    let end = min(next + size, entry.data.upperBound)
                    var chunk = Data(bytes[next..<end])
                    next = end
                    // ZIPFoundation tells zlib a full buffer is there; zeros past the entry's
                    // bytes keep zlib inside the buffer (and end in an error if it reads them).
                    if chunk.count < size { chunk.append(Data(count: size - chunk.count)) }
                    return chunk
                },
                consumer: { piece in
                    guard out.count + piece.count <= entry.uncompressedSize else {
                        throw XLSXError("\(path) in the workbook expands beyond the size the archive declares: the file is damaged")
                    }
                    out.append(piece)
                })
            return (out, checksum)
        } catch let error as XLSXError {
            throw error
        } catch {
            throw XLSXError("\(path) in the workbook is damaged: its compressed data cannot be inflated")
        }
    }

    /// The relationships part of `part`: `xl/workbook.xml` → `xl/_rels/workbook.xml.rels`;
    /// the package's own relationships (`part` empty) are `_rels/.rels`.
    static func relationshipsPath(of part: String) -> String {
        let (folder, file) = split(part)
        return (folder.isEmpty ? "" : folder + "/") + "_rels/" + file + ".rels"
    }

    /// The part a relationship's target names: relative to the folder of the part that holds
    /// the relationship (`worksheets/sheet1.xml` from `xl/workbook.xml` is
    /// `xl/worksheets/sheet1.xml`), or absolute from the package root (`/xl/styles.xml`).
    static func resolve(_ target: String, from source: String) -> String {
        let target = target.removingPercentEncoding ?? target
        var segments: [Substring] = []
        if !target.hasPrefix("/") {
            segments = split(source).folder.split(separator: "/")
        }
        for segment in target.split(separator: "/") {
            switch segment {
            case ".": continue
            case "..": _ = segments.popLast()
            default: segments.append(segment)
            }
        }
        return segments.joined(separator: "/")
    }

    private static func split(_ path: String) -> (folder: String, file: String) {
        guard let slash = path.lastIndex(of: "/") else { return ("", path) }
        return (String(path[..<slash]), String(path[path.index(after: slash)...]))
    }

    private static func folded(_ path: String) -> String {
        // Some Windows tools store `xl\workbook.xml`; the separator means the same.
        let bytes = path.utf8.map { $0 == UInt8(ascii: "\\") ? UInt8(ascii: "/") : asciiLower($0) }
        return String(decoding: bytes.first == UInt8(ascii: "/") ? bytes.dropFirst() : bytes[...], as: UTF8.self)
    }
}
