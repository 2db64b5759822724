/// The text of `.help` and `.help TOPIC`. Every example here is a query that runs on the
/// demo portfolio (a test runs them all).
public enum HelpText {
    public struct Topic: Sendable {
        public let name: String
        public let summary: String
        public let body: String
        /// Queries in the body, each run by the tests.
        public let examples: [String]
    }

    public static let topics: [Topic] = [
        Topic(name: "stages", summary: "where, select, sort, limit, top, group by, distinct, count, chart", body: """
        A query is a source (an entity, a named query, or _ for the last result) and stages:
          where EXPR                    keep rows where EXPR is true (after group by: filter groups)
          select ITEM, …                ITEM is *, or EXPR [as NAME]
          sort KEY, …                   KEY is EXPR [asc|desc] [nulls first|last]
          limit N [offset M]
          top N by EXPR [asc|desc] [per EXPR]   the first N (desc by default), of each group with per
          group by ITEM, … [aggregate ITEM, …]  one row per key; a count column without aggregate
          distinct ITEM, …              unique combinations
          count                         one row, one column count
          chart EXPR [by EXPR]          bars in the terminal (the last stage)
        Stages may go one a line: a line ending in | continues.
        """, examples: [
            "accounts | where tier = \"strategic\" | sort arr desc | limit 5",
            "opportunities | top 1 by amount per account.region",
            "opportunities | group by stage aggregate sum(amount), count()",
            "accounts | group by region | chart count by region",
        ]),
        Topic(name: "expressions", summary: "operators, paths, lists, nulls, strings", body: """
        Operators, loosest first: or; and; not; = != < <= > >= [not] in, [not] like,
          [not] between … and …, is [not] null, [not] has; + -; * /; unary -.
        Paths follow to-one relationships: owner.name, account.owner.region, parent.name.
        Lists: products has "Analytics", products has any ("A", "B"), has all (…).
        Strings compare without regard to case; like uses % and _.
        Nulls: x = null and x is null both work; < > like in has with null are false;
          arithmetic with null is null; / is decimal division, and null when dividing by 0.
        Numbers: 42, 3.5, 1_000_000, 250k, 1.2m, 3b. Parameters: $name (.param set).
        """, examples: [
            "accounts | where owner.region = \"EMEA\" and arr between 100k and 1m | count",
            "accounts | where products has any (\"Analytics\", \"Security\") | count",
            "accounts | where name like \"%bank%\" | select name, arr",
            "contacts | where email is null | count",
        ]),
        Topic(name: "collections", summary: "opportunities, contacts, activities, children, team …", body: """
        To-many relationships of a row: accounts have opportunities, contacts, activities,
        children; managers have accounts, team, opportunities, activities; contacts have
        activities. Filter them with [cond], map them with .field, and use them in
        count(coll), exists(coll), sum|avg|min|max|median(coll.field),
        count_if(coll, cond), sum_if(coll.field, cond). On its own, coll.field is a list.
        Collections of collections flatten, each step filtered: team.opportunities[…],
        accounts.contacts.name; a row reached along two paths counts once.
        Hierarchies (accounts' parent, managers' lead): ancestors (nearest first),
        descendants (every level below) and root (the topmost, the row itself at the top).
        Such terms in a where are computed for every row at once from the child side
        (explain: per parent at once).
        """, examples: [
            "accounts | where not exists(opportunities[type = \"upsell\"]) | count",
            "accounts | select name, count(contacts[role = \"champion\"]) as champions | limit 5",
            "managers | select name, sum(accounts.arr) as book | top 3 by book",
            "managers | select name, count(team.opportunities[stage = \"closed_won\"]) as team_won | top 3 by team_won",
            "accounts | where parent is null | select name, arr + sum(descendants.arr) as group_arr | top 3 by group_arr",
            "accounts | where parent is not null | select name, root.name, count(ancestors) as depth | limit 3",
        ]),
        Topic(name: "analytics", summary: "rank, row_number, share, running_sum, previous, next", body: """
        Analytic functions see the rows of the result in their current order:
          rank(EXPR [desc] [per KEY])        1 + the rows ordered before; ties share a rank
          row_number([EXPR [desc]] [per KEY])  the position (without EXPR, the current order)
          share(EXPR [per KEY])              the row's part of the column's total (a decimal)
          running_sum(EXPR [per KEY])        the sum so far, in the current order
          previous(EXPR [per KEY]), next(…)  the row before or after
        Use them in select, and in a where or sort after a select or group by; not inside
        aggregates, group keys or collections. Nulls rank last either way.
        """, examples: [
            "accounts | select name, region, arr, rank(arr desc per region) as r | where r = 1",
            "accounts | group by region aggregate sum(arr) | select region, sum(arr), share(sum(arr))",
            "opportunities | where stage = \"closed_won\" | group by year(close_date) as y aggregate sum(amount) as won | select y, won, won - previous(won) as change",
        ]),
        Topic(name: "functions", summary: "scalar functions and aggregates", body: """
        Text: lower, upper, length, contains(s, sub), starts_with, ends_with (case-insensitive).
        Values: coalesce(a, b, …), if(cond, a, b), round(x[, digits]), abs, floor, ceil.
        Dates: year, quarter, month, day, fiscal_year, fiscal_quarter,
          start_of(d, "week"|"month"|"quarter"|"year"), days_since(d), days_until(d).
        Aggregates (in aggregate, or over a collection): count(), count(x), count_distinct(x),
          sum, avg, min, max, median, count_if(cond), sum_if(x, cond). Nulls are ignored.
        """, examples: [
            "accounts | select upper(name) as name, round(arr / 1000) as arr_k | limit 3",
            "opportunities | group by fiscal_quarter(close_date) aggregate sum(amount)",
            "accounts | select name, days_until(renewal_date) as days | top 3 by days asc",
        ]),
        Topic(name: "dates", summary: "today, durations, ranges like next 90 days", body: """
        today, date literals (2026-06-15), durations (90 days, 2 weeks, 6 months, 1 quarter,
        1 year). d ± duration is a date; d1 - d2 is a number of days.
        Ranges, with in and not in:
          this|last|next week|month|quarter|year|fiscal quarter|fiscal year
          last|next N days|weeks|months|quarters|years  (both ends included)
        Weeks start on Monday; fiscal years start in the month fiscal_year_start sets and
        are named for the year they end in. .today DATE changes today.
        """, examples: [
            "accounts | where renewal_date in next 90 days | count",
            "activities | where date in last 30 days | group by kind",
            "opportunities | where close_date in this fiscal quarter | count",
            "accounts | where renewal_date < today + 6 months | count",
        ]),
        Topic(name: "data", summary: "your own exports: folio.json, folio init, .xlsx", body: """
        A data folder holds a file per entity (.csv, .jsonl or .xlsx) and folio.json.
        Files in folio's own names load as they are; any other export is mapped:
          folio init DIR       proposes DIR/folio.json from file names, headers and
                               values, and says on stderr what it guessed and why
        folio.json, per entity (see README "Your own data" and docs/mapping.md):
          file, sheet          the file(s); a workbook's sheet
          columns              header → field ("Deal Stage": "stage"; null drops it)
          key                  the field naming rows when there is no id ("name")
          values               field → {label → value}: "Won": "closed_won"
          types, constants     custom field types; a value for every row
          date_format          "M/D/YYYY", "DD-MM-YY", … (top level, entity, field)
          null_values          cells read as null: "N/A", "0.0"
          list_separator       {"products": ", "}
          add_missing          rows made for keys others reference but this file lacks
          fields               a new entity (a catalogue): field → type
        relationships (top level): {"field": "opportunities.product", "to": "products",
                               "as": "catalog", "inverse": "opportunities"}
        .schema shows each field's source column; a mistake names the JSON path.
        """, examples: [
            "accounts | group by industry aggregate count(), sum(arr)",
            "opportunities | where account.industry = \"technology\" | count",
        ]),
        Topic(name: "engines", summary: "SQL: folio sql, export, push, --engine", body: """
        folio sql 'QUERY' [--dialect postgres|sqlite|duckdb|spark]   the SQL of a query
        .sql [DIALECT] QUERY       the same here
        folio export --out DIR [--dialect D]   CSV files and schema.sql for that engine
        folio push postgresql://…              the portfolio into PostgreSQL (one transaction)
        folio --engine postgresql://…          every query runs there, answers as here
        What a dialect cannot express (median on SQLite) is an error at the construct.
        explain on an engine shows the SQL and the server's plan. docs/sql.md has the rules.
        """, examples: [
            "accounts | where exists(contacts[role = \"champion\"]) | count",
            "accounts | select name, count(opportunities) | limit 3",
        ]),
        Topic(name: "queries", summary: "let, explain, parameters and _", body: """
        let NAME = QUERY     names a query; use it as a source (.queries lists them)
        explain QUERY        shows the plan: each stage's access path (postings, sorted
                             index range, id index, a key through its target's id
                             index, case-folded index, semi-join, full scan, bounded
                             heap…) and rows in and out; a where of several terms, a
                             row per term
        explain analyze QUERY   runs it too: each stage's actual rows and time
        $name                a parameter (.param set name VALUE, or --param name=VALUE)
        _                    the last result: _ | where … refines what you just saw
        """, examples: [
            "let big = accounts | where arr > 1m",
            "big | count",
            "explain accounts | where region = \"EMEA\" | count",
            "explain accounts | where name = \"orion bank & co.\"",
            "explain contacts | where account_id = \"A0000002\"",
            "explain analyze opportunities | where amount > 100k | top 5 by amount",
        ]),
    ]

    public static func topic(_ name: String) -> Topic? {
        topics.first { $0.name.caseInsensitiveEquals(name) }
    }

    public static func render(_ t: Topic) -> String {
        var out = t.body + "\n"
        if !t.examples.isEmpty {
            out += "Examples:\n" + t.examples.map { "  " + $0 + "\n" }.joined()
        }
        return out
    }
}

import FolioCore
