import CLibpq

// A connection string is echoed in connect errors so that the user sees which server was
// meant; the password it may hold must never be. Both of libpq's forms are handled:
//   postgresql://user:secret@host/db?password=secret   →  postgresql://user:***@host/db?password=***
//   host=h password='se cret' dbname=d                  →  host=h password=*** dbname=d

/// `conninfo` with every password replaced by `***`; empty when it cannot be read safely.
public func redactingPassword(in conninfo: String) -> String {
    let scalars = Array(conninfo.unicodeScalars)
    let isURL = ["postgresql://", "postgres://"].contains { prefix in
        conninfo.lowercased().hasPrefix(prefix)
    }
    // A word without `=` is not a connection string: libpq takes it for a database name.
    if !isURL, !conninfo.contains("=") { return conninfo }
    let redacted = isURL ? redactingURL(scalars) : redactingKeywords(scalars)
    return redacted.map { String(String.UnicodeScalarView($0)) } ?? ""
}

/// The password `conninfo` gives, as libpq reads it, or nil when it gives none.
public func password(in conninfo: String) -> String? {
    var error: UnsafeMutablePointer<CChar>?
    guard let options = PQconninfoParse(conninfo, &error) else {
        PQfreemem(error)
        return nil
    }
    defer { PQconninfoFree(options) }
    var option = options
    while let keyword = option.pointee.keyword {
        if String(cString: keyword) == "password" {
            return option.pointee.val.map { String(cString: $0) }.flatMap { $0.isEmpty ? nil : $0 }
        }
        option += 1
    }
    return nil
}

private let mask: [Unicode.Scalar] = ["*", "*", "*"]

/// A URL with the password of its user-info and any `password=` query parameter masked.
private func redactingURL(_ url: [Unicode.Scalar]) -> [Unicode.Scalar]? {
    // The caller saw the `postgres(ql)://` prefix: the authority starts after its `://`.
    guard let colon = url.firstIndex(of: ":") else { return nil }
    let authorityStart = colon + 3
    let authorityEnd = url[authorityStart...].firstIndex { $0 == "/" || $0 == "?" } ?? url.endIndex
    var result = Array(url[..<authorityStart])
    // The user-info ends at the authority's last `@`; its password follows the first `:`.
    if let at = url[authorityStart..<authorityEnd].lastIndex(of: "@") {
        if let colon = url[authorityStart..<at].firstIndex(of: ":") {
            result += url[authorityStart...colon] + mask
        } else {
            result += url[authorityStart..<at]
        }
        result += url[at..<authorityEnd]
    } else {
        result += url[authorityStart..<authorityEnd]
    }
    guard let question = url[authorityEnd...].firstIndex(of: "?") else {
        return result + url[authorityEnd...]
    }
    result += url[authorityEnd...question]
    let parameters = url[(question + 1)...].split(separator: "&", omittingEmptySubsequences: false)
    for (number, parameter) in parameters.enumerated() {
        if number > 0 { result.append("&") }
        let key = parameter.prefix { $0 != "=" }
        if percentDecoded(Array(key)) == "password", key.count < parameter.count {
            result += key + ["="] + mask
        } else {
            result += parameter
        }
    }
    return result
}

/// `key=value` pairs, libpq's grammar, with the value of `password` masked; nil when the
/// text does not parse (libpq will refuse it too, and say why).
private func redactingKeywords(_ text: [Unicode.Scalar]) -> [Unicode.Scalar]? {
    var result: [Unicode.Scalar] = []
    var index = text.startIndex
    func skipSpaces() {
        while index < text.endIndex, text[index].properties.isWhitespace { index += 1 }
    }
    while true {
        let spacesStart = index
        skipSpaces()
        result += text[spacesStart..<index]
        guard index < text.endIndex else { return result }
        let keyStart = index
        while index < text.endIndex, text[index] != "=", !text[index].properties.isWhitespace { index += 1 }
        let key = String(String.UnicodeScalarView(text[keyStart..<index]))
        skipSpaces()
        guard index < text.endIndex, text[index] == "=" else { return nil }
        index += 1
        skipSpaces()
        let valueStart = index
        guard skipValue(text, &index) else { return nil }
        result += text[keyStart..<valueStart]
        result += key == "password" ? mask : Array(text[valueStart..<index])
    }
}

/// Moves past one value: a quoted one (`'…'`, backslash escapes) or a run of non-space.
private func skipValue(_ text: [Unicode.Scalar], _ index: inout Int) -> Bool {
    let quoted = index < text.endIndex && text[index] == "'"
    if quoted { index += 1 }
    while index < text.endIndex {
        let scalar = text[index]
        if scalar == "\\" {
            index += 2
            continue
        }
        if quoted, scalar == "'" {
            index += 1
            return true
        }
        if !quoted, scalar.properties.isWhitespace { return true }
        index += 1
    }
    index = text.endIndex
    // An unterminated quote does not parse.
    return !quoted
}

/// A URL component with `%XX` escapes decoded (so `pass%77ord` is seen for what it is).
private func percentDecoded(_ scalars: [Unicode.Scalar]) -> String {
    var bytes: [UInt8] = []
    var index = 0
    while index < scalars.count {
        if scalars[index] == "%", index + 2 < scalars.count,
           let byte = UInt8(String(String.UnicodeScalarView(scalars[(index + 1)...(index + 2)])), radix: 16) {
            bytes.append(byte)
            index += 3
        } else {
            bytes += Array(String(scalars[index]).utf8)
            index += 1
        }
    }
    return String(decoding: bytes, as: UTF8.self)
}
