import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif

/// What the reader of one kind of part (workbook, styles, a sheet) does with its XML events.
///
/// Handlers are values; ``XMLPart/parse(_:part:with:)`` runs one over a part and hands it
/// back with what it collected.
protocol XMLPartHandler {
    /// `name` is the element's local name, without a namespace prefix (`c` for `x:c`);
    /// attribute names are as written (`r:id`, `xml:space`).
    mutating func start(_ name: String, _ attributes: [String: String]) throws(XLSXError)
    mutating func characters(_ text: String)
    mutating func end(_ name: String) throws(XLSXError)
}

/// Streams parts through Foundation's SAX parser.
enum XMLPart {
    /// Runs `handler` over the XML in `data`; bad XML throws, naming `part`.
    ///
    /// The parser reads the bytes through a stream in chunks, so a 50 MB sheet costs its
    /// bytes and what the handler keeps, never a document tree.
    static func parse<H: XMLPartHandler>(_ data: Data, part: String, with handler: H) throws(XLSXError) -> H {
        if let reason = unreadableReason(data) {
            throw XLSXError("\(part) in the workbook \(reason): the file is damaged or not from a spreadsheet program")
        }
        let parser = XMLParser(stream: InputStream(data: data))
        parser.shouldProcessNamespaces = false
        parser.shouldResolveExternalEntities = false
        let bridge = Bridge(handler)
        parser.delegate = bridge
        let finished = parser.parse()
        // A syntax error is recorded only when it came before any failure of the handler
        // (which stops the parse); it is the cause, and the handler's complaint a consequence.
        if let syntax = bridge.syntax {
            // libxml2 reports a document that stops inside its root as ending (code 5).
            if syntax.code == 5, bridge.depth > 0 { throw cutShort(part) }
            throw XLSXError("\(part) in the workbook is not well-formed XML (line \(syntax.line), column \(syntax.column)): \(reason(syntax.code))")
        }
        if let failure = bridge.failure { throw failure }
        guard bridge.sawRoot else { throw XLSXError("\(part) in the workbook is empty: it holds no XML element") }
        // Foundation's parser never tells libxml2 that the input has ended, so a part that
        // stops before its elements close (cut short) passes without complaint; the depth
        // count catches it.
        guard bridge.depth == 0 else { throw cutShort(part) }
        let code = (parser.parserError as NSError?)?.code
        guard finished || code.map(isHarmless) == true else {
            throw XLSXError("\(part) in the workbook could not be parsed as XML")
        }
        guard let result = bridge.handler as? H else {
            preconditionFailure("XMLPart.Bridge changed its handler's type")
        }
        return result
    }

    private static func cutShort(_ part: String) -> XLSXError {
        XLSXError("\(part) in the workbook ends before its XML is complete: the file is cut short")
    }

    /// libxml2 warnings (an odd `xml:space` value, a relative namespace URI) and namespace
    /// errors (a prefix never declared): the XML is still well-formed, and element names are
    /// read without their prefixes anyway.
    static func isHarmless(_ code: Int) -> Bool {
        switch code {
        case 27, 93, 97, 98, 99, 100, 102, 106, 107, 200..<300: true
        default: false
        }
    }

    /// libxml2's error numbers (`xmlParserErrors`), which Foundation passes on as codes, in words.
    private static func reason(_ code: Int) -> String {
        switch code {
        case 4: "no XML where the document should start"
        case 5, 86: "more content after the end of the document"
        case 6, 7, 8: "a character reference (&#…;) that names no valid character"
        case 9: "a character that XML does not allow"
        case 23: "an & that does not start an entity (write it as &amp;)"
        case 26: "an entity (&name;) that is not declared"
        case 31, 81: "text that is not in the declared encoding"
        case 38: "a < inside an attribute value"
        case 39, 40, 41: "an attribute without a quoted value"
        case 42: "the same attribute twice on one element"
        case 68: "a name missing after < or & (a bare & must be written &amp;)"
        case 73: "a tag not closed with >"
        case 76: "a closing tag that does not match the open element"
        case 77, 85: "an element that is never closed"
        default: "parser error \(code)"
        }
    }

    /// The parser's delegate: Foundation requires an `NSObject` subclass, so this one class
    /// forwards events to the value-typed handler and records how parsing ended.
    private final class Bridge: NSObject, XMLParserDelegate {
        var handler: any XMLPartHandler
        var failure: XLSXError?
        var syntax: (line: Int, column: Int, code: Int)?
        var depth = 0
        var sawRoot = false

        init(_ handler: any XMLPartHandler) { self.handler = handler }

        func parser(
            _ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?,
            qualifiedName qName: String?, attributes attributeDict: [String: String]
        ) {
            guard failure == nil else { return }
            depth += 1
            sawRoot = true
            do {
                try handler.start(Self.localName(elementName), attributeDict)
            } catch {
                fail(error, parser)
            }
        }

        func parser(
            _ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?,
            qualifiedName qName: String?
        ) {
            guard failure == nil else { return }
            depth -= 1
            do {
                try handler.end(Self.localName(elementName))
            } catch {
                fail(error, parser)
            }
        }

        func parser(_ parser: XMLParser, foundCharacters string: String) {
            if failure == nil { handler.characters(string) }
        }

        // Whitespace inside `<t xml:space="preserve">` is text; the parser may report it here.
        func parser(_ parser: XMLParser, foundIgnorableWhitespace whitespaceString: String) {
            if failure == nil { handler.characters(whitespaceString) }
        }

        func parser(_ parser: XMLParser, foundCDATA CDATABlock: Data) {
            if failure == nil { handler.characters(String(decoding: CDATABlock, as: UTF8.self)) }
        }

        func parser(_ parser: XMLParser, parseErrorOccurred parseError: any Error) {
            // The first error is the cause; later ones (an abort) are consequences.
            let code = (parseError as NSError).code
            if syntax == nil, failure == nil, !XMLPart.isHarmless(code) {
                syntax = (parser.lineNumber, parser.columnNumber, code)
            }
        }

        private func fail(_ error: XLSXError, _ parser: XMLParser) {
            failure = error
            parser.abortParsing()
        }

        private static func localName(_ name: String) -> String {
            guard let colon = name.lastIndex(of: ":") else { return name }
            return String(name[name.index(after: colon)...])
        }
    }
}
