/// Every message folio prints about a query, in one place. Each returns the message and,
/// where there is one, the help line.
public enum Messages {
    public typealias Text = (message: String, help: String?)

    // MARK: - Lexical and syntax

    static func lexical(_ e: LexError, _ text: String) -> Text {
        switch e {
        case .unterminatedString: ("unterminated string", "close it with the quote it opened with")
        case .unterminatedQuotedIdentifier: ("unterminated `quoted name`", "close it with a backquote on the same line")
        case .invalidEscape: ("invalid escape in string", "the escapes are \\\\, \\\", \\', \\n and \\t")
        case .unexpectedCharacter: ("unexpected character '\(text)'", text == "!" ? "write != for 'not equal'" : nil)
        case .malformedNumber: ("malformed number '\(text)'", "numbers look like 42, 3.5, 1_000_000, 250k or 1.2m")
        case .malformedDate: ("malformed date '\(text)'", "dates look like 2026-06-15")
        }
    }

    static func unexpectedEnd(expected: String) -> Text {
        ("unexpected end of input, expected \(expected)", nil)
    }

    static func unexpectedToken(_ text: String, expected: String) -> Text {
        ("unexpected '\(text)', expected \(expected)", nil)
    }

    static func unknownStage(_ word: String, suggestion: String?) -> Text {
        ("unknown stage '\(word)'",
         suggestion.map { "did you mean '\($0)'?" } ?? "the stages are where, select, sort, limit, top, group by, distinct, count, chart")
    }

    static func operatorStartsLine(_ word: String) -> Text {
        ("a statement cannot start with '\(word)'",
         "the line before was a complete statement; end it with '\(word)' instead, or start continuation lines with '|'")
    }

    static let pipeStartsStatement: Text = (
        "a statement cannot start with '|'",
        "'|' continues the query before it: in the REPL, end that line with '|' (a complete line runs at once)")

    static func dotCommandInQuery(_ name: String) -> Text {
        (".\(name) is a REPL command, not a query", "dot-commands work at the folio> prompt; scripts and -c take queries")
    }

    static let starNotAllowed: Text = ("'*' is only allowed in select", nil)
    static let fractionalDuration: Text = ("a duration needs a whole number", "write 90 days, 2 weeks, 6 months")
    static func invalidDate(_ text: String) -> Text { ("'\(text)' is not a real calendar date", nil) }
    static let fiscalUnit: Text = ("fiscal periods are quarters and years", "write this fiscal quarter or next fiscal year")
    static let rangeCount: Text = ("expected a whole number of periods", "write last 30 days or next 2 quarters")
    static let numberTooLarge: Text = ("number is too large", nil)
    static func analyticForm(_ name: String, _ problem: String) -> Text {
        ("\(name)(): \(problem)", "write rank(EXPR [desc] [per KEY]), share(EXPR [per KEY]), running_sum, previous or next(EXPR [per KEY])")
    }

    static func analyticPlace(_ name: String) -> Text {
        ("\(name)() sees the rows of a result, not one row",
         "use it in select (accounts | select name, \(name == "rank" || name == "row_number" ? "\(name)(arr desc)" : "\(name)(arr)")), or in a where or sort after a select or group by; not inside an aggregate, a group key or a collection")
    }

    static func nestedTooDeeply(_ limit: Int) -> Text {
        ("expression nested too deeply (more than \(limit) levels)",
         "split it with let, or write long lists of conditions as one flat chain (a and b and c …)")
    }

    // MARK: - Names

    static func unknownSource(_ name: String, suggestion: String?, available: [String]) -> Text {
        ("unknown source '\(name)'",
         suggestion.map { "did you mean '\($0)'?" } ?? "the sources are \(available.joined(separator: ", "))")
    }

    static let noLastResult: Text = ("'_' is the last result, and there is none yet",
                                     "run a query first; then '_ | where …' refines what it showed")

    static func unknownField(_ name: String, on scope: String, suggestion: String?, available: [String]) -> Text {
        ("unknown field '\(name)' on \(scope)",
         suggestion.map { "did you mean '\($0)'?" } ?? "available: \(available.joined(separator: ", "))")
    }

    static func unknownFunction(_ name: String, suggestion: String?) -> Text {
        ("unknown function '\(name)'", suggestion.map { "did you mean '\($0)'?" })
    }

    static func unknownEnumValue(_ value: String, field: String, suggestion: String?, values: [String]) -> Text {
        ("'\(value)' is not a value of \(field)",
         suggestion.map { "did you mean '\($0)'?" } ?? "expected one of: \(values.joined(separator: ", "))")
    }

    static func missingParameter(_ name: String) -> Text {
        ("no value for parameter $\(name)", "pass it with --param \(name)=VALUE")
    }

    // MARK: - Types

    static func typeMismatch(_ what: String, expected: String, found: String) -> Text {
        ("\(what) expects \(expected), found \(found)", nil)
    }

    static func cannotCompare(_ left: String, _ right: String) -> Text {
        ("cannot compare \(left) with \(right)", nil)
    }

    static func notADate(_ text: String) -> Text {
        ("'\(text)' is not a date", "dates are written 2026-06-15")
    }

    static func relationshipAsValue(_ name: String, target: String) -> Text {
        ("'\(name)' is a relationship to \(target), not a value", "follow it to a field: \(name).name, \(name).id")
    }

    static func collectionAsValue(_ name: String) -> Text {
        ("'\(name)' is a collection, not a single value", "use count(\(name)), exists(\(name)) or an aggregate such as sum(\(name).field)")
    }

    static func argumentCount(_ name: String, expected: String, found: Int) -> Text {
        ("\(name)() takes \(expected), found \(found)", nil)
    }

    static let conditionNotBool: Text = ("'where' needs a true/false condition", "compare something: health < 50, region = \"EMEA\"")

    static func notSupportedYet(_ what: String) -> Text {
        ("\(what) is not supported yet", "folio reads this already; running it comes in a later version")
    }

    static func aggregateOutsideGroup(_ name: String) -> Text {
        if name == "count" {
            return ("count is an aggregate and needs a group or a collection",
                    "count rows with the stage '| count', groups with 'group by … aggregate count()', children with count(opportunities)")
        }
        return ("\(name)() is an aggregate and needs a group or a collection",
                "use it in 'group by … aggregate \(name)(…)', or over a collection: \(name)(opportunities.amount)")
    }

    static func aggregateAsGroupKey(_ name: String) -> Text {
        ("\(name)() cannot be a group key", "put aggregates after 'aggregate': group by region aggregate \(name)(…)")
    }

    static func notAnAggregate(_ text: String) -> Text {
        ("'\(text)' is not an aggregate", "after 'aggregate' come count(), sum(x), avg(x), min(x), max(x), median(x), count_distinct(x), count_if(cond), sum_if(x, cond); group keys go after 'group by'")
    }

    static func comparisonInSelect(_ name: String) -> Text {
        ("'\(name) = …' in select is a comparison: the column is true or false",
         "to name a column, write '… as \(name)'")
    }

    static let chartNotLast: Text = ("chart must be the last stage", "filter, sort and limit before it: … | top 10 by arr | chart arr by name")

    static let rangeOutsideIn: Text = ("a date range is only meaningful after 'in'", "write renewal_date in next 90 days")
    static let durationAlone: Text = ("a duration is only meaningful added to or subtracted from a date", "write today - 90 days")
    static func badLimit(_ what: String) -> Text { ("\(what) needs a whole number that is not negative", nil) }
    static func badStartOfUnit(_ text: String) -> Text {
        ("'\(text)' is not a period for start_of", "use \"week\", \"month\", \"quarter\" or \"year\"")
    }
    static func nameNotAfterProjection(_ name: String, available: [String]) -> Text {
        ("unknown column '\(name)'", "after select, the columns are: \(available.joined(separator: ", "))")
    }
    static func shadowedEntity(_ name: String) -> Text { ("'\(name)' is an entity; a named query may not shadow it", "choose another name") }
}
