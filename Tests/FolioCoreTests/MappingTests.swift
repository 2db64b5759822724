import Foundation
import Testing
@testable import FolioCore

/// `folio.json`'s mapping of other exports (SPEC §3): each key on small exports in the style
/// of real ones, and each mistake with its exact message.
@Suite struct MappingTests {
    func load(_ files: [String: String], lenient: Bool = false) throws(LoadError) -> (Store, LoadReport) {
        var bytes: [String: [UInt8]] = [:]
        for (k, v) in files { bytes[k] = Array(v.utf8) }
        return try Loader.load(.memory(bytes), lenient: lenient)
    }

    func error(_ files: [String: String]) -> String? {
        do {
            _ = try load(files)
            return nil
        } catch {
            return error.description
        }
    }

    func answer(_ store: Store, _ query: String) -> String {
        Fixtures.run(query, in: Session(store: store, today: Day.parse("2026-06-15") ?? 0), format: .csv)
    }

    // A Maven-like export: name keys, `Won`/`Lost`, a catalogue, agents' managers known only by name.
    static let maven: [String: String] = [
        "accounts.csv": "account,sector,revenue,office_location,subsidiary_of\r\nAlderway Foods,technolgy,1100.04,United States,\r\nBrightvale,medical,647.18,Kenya,Alderway Foods\r\ndunmore,retail,0,Japan,\r\n",
        "sales_pipeline.csv": "opportunity_id,sales_agent,product,account,deal_stage,engage_date,close_date,close_value\r\n"
            + "K7Q2M1XA,Mira Fenwick,Halo Plus Basic,Alderway Foods,Won,2016-10-20,2017-03-01,1054\r\n"
            + "T4W8N0RB,Dario Sandoval,HaloPro,brightvale,Won,2016-10-25,2017-03-11,4514\r\n"
            + "H2P6D9LC,Dario Sandoval,Halo Plus Basic,,Engaging,2016-10-25,,\r\n"
            + "H2P6D9LD,Mira Fenwick,HaloPro,DUNMORE,Lost,2016-11-01,2017-01-02,0\r\n",
        "sales_teams.csv": "sales_agent,manager,regional_office\r\nMira Fenwick,Dora Bramley,Central\r\nDario Sandoval,Milo Marsh,East\r\n",
        "products.csv": "product,series,sales_price\r\nHalo Plus Basic,Halo,1096\r\nHalo Pro,Halo,4821\r\n",
        "data_dictionary.csv": "Table,Field,Description\r\naccounts,account,Name of the company\r\n",
        "folio.json": """
        {"as_of": "2017-12-31",
         "entities": {
           "accounts": {"file": "accounts.csv", "key": "name",
                        "columns": {"account": "name", "sector": "industry", "subsidiary_of": "parent_id", "office_location": "country"},
                        "values": {"industry": {"technolgy": "technology", "medical": "healthcare"},
                                   "country": {"United States": "US", "Kenya": "KE", "Japan": "JP"}},
                        "types": {"revenue": "money"}},
           "opportunities": {"file": "sales_pipeline.csv",
                             "columns": {"opportunity_id": "id", "account": "account_id", "deal_stage": "stage",
                                         "sales_agent": "owner_id", "engage_date": "created", "close_value": "amount"},
                             "values": {"stage": {"Won": "closed_won", "Lost": "closed_lost", "Engaging": "qualification"},
                                        "product": {"HaloPro": "Halo Pro"}}},
           "managers": {"file": "sales_teams.csv", "key": "name",
                        "columns": {"sales_agent": "name", "manager": "lead_id", "regional_office": "office"},
                        "types": {"office": "string"}, "add_missing": true},
           "products": {"file": "products.csv", "key": "product",
                        "fields": {"product": "string", "series": "string", "sales_price": "money"}}},
         "relationships": [
           {"field": "opportunities.product", "to": "products", "as": "catalog", "inverse": "opportunities"}]}
        """,
    ]

    @Test func aNameKeyedExportWithACatalogue() throws {
        let (store, report) = try load(Self.maven)
        #expect(report.notes == ["note: skipped data_dictionary.csv: no entity reads it (to load a file, map it in folio.json: \"entities\": {\"NAME\": {\"file\": \"data_dictionary.csv\", \"fields\": {…}}}; folio init proposes one)"])
        #expect(answer(store, "accounts | select id, name, industry, country, revenue, parent.name, count(opportunities)")
            == "id,name,industry,country,revenue,parent.name,count(opportunities)\nAlderway Foods,Alderway Foods,technology,US,1100.04,,1\nBrightvale,Brightvale,healthcare,KE,647.18,Alderway Foods,1\ndunmore,dunmore,retail,JP,0,,1\n")
        // Keys matched as = compares: brightvale, DUNMORE.
        #expect(answer(store, "opportunities | select id, account.name, owner.name, stage, amount, created, catalog.series, catalog.sales_price")
            == "id,account.name,owner.name,stage,amount,created,catalog.series,catalog.sales_price\nK7Q2M1XA,Alderway Foods,Mira Fenwick,closed_won,1054,2016-10-20,Halo,1096\nT4W8N0RB,Brightvale,Dario Sandoval,closed_won,4514,2016-10-25,Halo,4821\nH2P6D9LC,,Dario Sandoval,qualification,,2016-10-25,Halo,1096\nH2P6D9LD,dunmore,Mira Fenwick,closed_lost,0,2016-11-01,Halo,4821\n")
        // Managers named only in a manager column became rows; the team hierarchy works.
        #expect(answer(store, "managers | select name, office, lead.name, count(team), count(descendants.opportunities)")
            == "name,office,lead.name,count(team),count(descendants.opportunities)\nMira Fenwick,Central,Dora Bramley,0,0\nDario Sandoval,East,Milo Marsh,0,0\nDora Bramley,,,1,2\nMilo Marsh,,,1,2\n")
        #expect(answer(store, "products | select product, count(opportunities), sum(opportunities.amount)")
            == "product,count(opportunities),sum(opportunities.amount)\nHalo Plus Basic,2,1054\nHalo Pro,2,4514\n")
        let opportunities = try #require(store.table("opportunities"))
        #expect(opportunities.def.fields.first { $0.name == "stage" }?.origin == "sales_pipeline.csv: deal_stage (mapped)")
        #expect(opportunities.def.fields.first { $0.name == "name" }?.origin == "no column in sales_pipeline.csv: null")
        #expect(store.table("products")?.def.fields[0].origin == "key: product")
    }

    @Test func datesInTheFormatsExportsUse() throws {
        let files = [
            "accounts.csv": "id,name,customer_since,renewal_date,signed,first_seen\nA1,One,03/01/2017,1.2.2027,21-10-16,Jan 5 2017\nA2,Two,12/31/2016,31.12.2026,01-03-69,Dec 31 1999 10:30\nA3,Three,,,,\n",
            "folio.json": #"{"date_format": "M/D/YYYY", "entities": {"accounts": {"date_format": {"renewal_date": "D.M.YYYY", "signed": "DD-MM-YY", "first_seen": "MMM D YYYY"}, "types": {"signed": "date", "first_seen": "date"}}}}"#,
        ]
        let (store, _) = try load(files)
        #expect(answer(store, "accounts | select id, customer_since, renewal_date, signed, first_seen")
            == "id,customer_since,renewal_date,signed,first_seen\nA1,2017-03-01,2027-02-01,2016-10-21,2017-01-05\nA2,2016-12-31,2026-12-31,2069-03-01,1999-12-31\nA3,,,,\n")
        // Date-times are cut to the day; an ISO date reads in any format.
        let times = ["accounts.csv": "id,renewal_date\nA1,2018-02-26 19:58:54\nA2,26-02-2018 19:58\nA3,2024-01-05 00:00:00.565990\n",
                     "folio.json": #"{"entities": {"accounts": {"date_format": "DD-MM-YYYY"}}}"#]
        #expect(answer(try load(times).0, "accounts | select renewal_date") == "renewal_date\n2018-02-26\n2018-02-26\n2024-01-05\n")
    }

    @Test func nullTextsListsConstantsAndTypes() throws {
        let files = [
            "opportunities.csv": "mql_id,won_date,lead_behaviour_profile,has_company,declared_monthly_revenue,average_stock,segment\n"
                + "m1,2018-02-26 19:58:54,\"cat, wolf\",True,0.0,May-20,pet\nm2,2018-05-08,eagle,,100000.0,01-May,N/A\nm3,2018-06-05,,False,0.0,200+,-\n",
            "folio.json": """
            {"null_values": ["N/A"],
             "entities": {"opportunities": {"columns": {"mql_id": "id", "won_date": "close_date"},
               "null_values": {"declared_monthly_revenue": ["0.0"], "segment": ["-"]},
               "list_separator": {"lead_behaviour_profile": ", "},
               "types": {"lead_behaviour_profile": "list", "declared_monthly_revenue": "money", "average_stock": "enum", "has_company": "bool"},
               "values": {"average_stock": {"May-20": "5-20", "01-May": "1-5"}},
               "constants": {"stage": "closed_won", "type": "new_business"}}}}
            """,
        ]
        let (store, _) = try load(files)
        #expect(answer(store, "opportunities | select id, stage, type, close_date, lead_behaviour_profile, has_company, declared_monthly_revenue, average_stock, segment")
            == "id,stage,type,close_date,lead_behaviour_profile,has_company,declared_monthly_revenue,average_stock,segment\nm1,closed_won,new_business,2018-02-26,cat;wolf,true,,5-20,pet\nm2,closed_won,new_business,2018-05-08,eagle,,100000,1-5,\nm3,closed_won,new_business,2018-06-05,,false,,200+,\n")
        #expect(answer(store, "opportunities | where lead_behaviour_profile has \"wolf\" | count") == "count\n1\n")
        #expect(answer(store, "opportunities | where average_stock = \"5-20\" | count") == "count\n1\n")
    }

    @Test func newEntitiesAndTheirRelationships() throws {
        let files = [
            "accounts.csv": "id,name,segment_code\nA1,Acme,ENT\nA2,Beta,SMB\n",
            "segments.csv": "code,label\nENT,Enterprise\nSMB,Small business\n",
            "tickets.jsonl": "{\"ticket\": 1, \"account\": \"A1\", \"severity\": 2, \"segment\": \"ent\"}\n{\"ticket\": 2, \"account\": \"A1\", \"severity\": 1, \"segment\": \"ENT\"}\n",
            "folio.json": """
            {"entities": {
               "segments": {"key": "code", "fields": {"code": "string", "label": "string"}},
               "tickets": {"file": "tickets.jsonl", "columns": {"ticket": "id"}, "fields": {"account": "string", "severity": "int", "segment": "string"}}},
             "relationships": [
               {"field": "accounts.segment_code", "to": "segments", "as": "segment", "inverse": "accounts"},
               {"field": "tickets.account", "to": "accounts", "as": "customer", "inverse": "tickets"},
               {"field": "tickets.segment", "to": "segments", "as": "of_segment", "inverse": "tickets"}]}
            """,
        ]
        let (store, _) = try load(files)
        #expect(answer(store, "accounts | select name, segment.label, count(tickets), max(tickets.severity), segment.tickets.id")
            == "name,segment.label,count(tickets),max(tickets.severity),segment.tickets.id\nAcme,Enterprise,2,2,1;2\nBeta,Small business,0,,\n")
        #expect(answer(store, "segments | select code, count(accounts), count(tickets), count(accounts.tickets)")
            == "code,count(accounts),count(tickets),count(accounts.tickets)\nENT,1,2,2\nSMB,1,0,0\n")
        // A new entity is indexed like folio's own.
        let tickets = try #require(store.table("tickets"))
        #expect(tickets.indexes.sorted[try #require(tickets.def.fieldIndex("severity"))] != nil)
    }

    @Test func severalFilesAppendInOrder() throws {
        let files = [
            "contacts_2025.csv": "id,name,account_id\nC1,Ann,A1\n",
            "contacts_2026.csv": "Id,Name,Account ID\nC2,Bo,A1\n",
            "accounts.csv": "id,name\nA1,Acme\n",
            "folio.json": #"{"entities": {"contacts": {"file": ["contacts_2025.csv", "contacts_2026.csv"]}}}"#,
        ]
        #expect(answer(try load(files).0, "contacts | select id, name, account.name") == "id,name,account.name\nC1,Ann,Acme\nC2,Bo,Acme\n")
        var dup = files
        dup["contacts_2026.csv"] = "id,name,account_id\nC1,Ann again,A1\n"
        #expect(error(dup) == "contacts_2026.csv:2: error: duplicate id \"C1\" (first on line 2 of contacts_2025.csv)")
    }

    @Test func aWorkbookAsAnEntitysFile() throws {
        let frame = Frame(columns: [OutputColumn(name: "Account ID", type: .string), OutputColumn(name: "Name", type: .string),
                                    OutputColumn(name: "ARR", type: .money), OutputColumn(name: "Renewal", type: .date), OutputColumn(name: "Key", type: .bool)],
                          values: [[.string("A1"), .string("A2")], [.string("Acme"), .string("Beta")], [.money(125_000), .null],
                                   [.date(Day.parse("2026-09-01") ?? 0), .date(Day.parse("2027-01-31") ?? 0)], [.bool(true), .bool(false)]])
        let workbook = try XLSXWriter.write(frame)
        let files: [String: [UInt8]] = [
            "accounts.xlsx": workbook,
            "folio.json": Array(#"{"date_format": "M/D/YYYY", "entities": {"accounts": {"columns": {"Account ID": "id", "Renewal": "renewal_date"}}}}"#.utf8),
        ]
        let (store, _) = try Loader.load(.memory(files))
        #expect(answer(store, "accounts | select id, name, arr, renewal_date, key") == "id,name,arr,renewal_date,key\nA1,Acme,1250,2026-09-01,true\nA2,Beta,,2027-01-31,false\n")
    }

    // MARK: - Mistakes

    func mistake(_ json: String, _ files: [String: String] = ["accounts.csv": "id,name,health\nA1,Acme,40\n"]) -> String? {
        var all = files
        all["folio.json"] = json
        return error(all)
    }

    @Test func mistakesInFolioJSON() {
        #expect(mistake(#"{"entites": {}}"#) == "folio.json: error: entites: unknown key 'entites'; did you mean 'entities'?")
        #expect(mistake(#"{"entities": {"accounts": {"colums": {}}}}"#) == "folio.json: error: entities.accounts.colums: unknown key 'colums'; did you mean 'columns'?")
        #expect(mistake(#"{"entities": {"acounts": {}}}"#)
            == "folio.json: error: entities.acounts: unknown entity 'acounts'; did you mean 'accounts'? folio's entities are managers, accounts, contacts, opportunities, activities, and a new one declares its fields (\"fields\": {\"name\": \"string\"})")
        #expect(mistake(#"{"entities": {"accounts": {"columns": {"name": "nmae"}}}}"#)
            == "folio.json: error: entities.accounts.columns.name: accounts has no field 'nmae'; did you mean 'name'? a column maps onto a field of accounts (id, name, parent_id, owner_id, industry, tier, region, country, status, employees, arr, health, nps, products, seats, seats_used, customer_since, renewal_date), or onto a custom field whose type types declares")
        #expect(mistake(#"{"entities": {"accounts": {"columns": {"nmae": "name"}}}}"#)
            == "folio.json: error: entities.accounts.columns.nmae: accounts.csv has no column 'nmae'; did you mean 'name'? (its columns: id, name, health)")
        #expect(mistake(#"{"entities": {"opportunities": {"values": {"stage": {"Won": "closed_wn"}}}}}"#)
            == "folio.json: error: entities.opportunities.values.stage.Won: 'closed_wn' is not a value of opportunities.stage; did you mean 'closed_won'? its values are prospecting, qualification, proposal, negotiation, closed_won, closed_lost. A picklist of folio's maps only onto its own values (a label left unmapped is kept as a value of its own); string fields and custom fields take any value")
        #expect(mistake(#"{"entities": {"accounts": {"types": {"score": "integer"}}}}"#)
            == "folio.json: error: entities.accounts.types.score: unknown type 'integer' (the types are string, int, money, decimal, date, bool, enum, list)")
        #expect(mistake(#"{"entities": {"accounts": {"types": {"score": "dates"}}}}"#)
            == "folio.json: error: entities.accounts.types.score: unknown type 'dates'; did you mean 'date'?")
        #expect(mistake(#"{"entities": {"accounts": {"types": {"health": "decimal"}}}}"#)
            == "folio.json: error: entities.accounts.types.health: 'health' is a field of accounts typed int; types is for custom fields")
        #expect(mistake(#"{"date_format": "MM/DD/YYYY hh"}"#)
            == "folio.json: error: date_format: a bad date format: 'MM/DD/YYYY hh': 'h' is not a date token (the tokens are YYYY, YY, M, MM, MMM, D, DD)")
        #expect(mistake(#"{"entities": {"accounts": {"date_format": {"renewal_date": "DD/MM"}}}}"#)
            == "folio.json: error: entities.accounts.date_format.renewal_date: a bad date format: 'DD/MM' has no year (the tokens are YYYY, YY, M, MM, MMM, D, DD)")
        #expect(mistake(#"{"date_format": "DDMMYYYY"}"#)
            == "folio.json: error: date_format: a bad date format: 'DDMMYYYY': put a separator between the parts (M/D/YYYY)")
        #expect(mistake(#"{"relationships": [{"field": "accounts.name", "to": "companies", "as": "company", "inverse": "namesakes"}]}"#)
            == "folio.json: error: relationships[0].to: a relationship to nowhere: no entity 'companies' (the entities are managers, accounts, contacts, opportunities, activities)")
        #expect(mistake(#"{"relationships": [{"field": "accounts.segmnt", "to": "accounts", "as": "seg", "inverse": "segs"}]}"#, ["accounts.csv": "id,segment\nA1,x\n"])
            == "folio.json: error: relationships[0].field: accounts has no field 'segmnt'; did you mean 'segment'? (its fields: id, name, parent_id, owner_id, industry, tier, region, country, status, employees, arr, health, nps, products, seats, seats_used, customer_since, renewal_date, segment)")
        #expect(mistake(#"{"relationships": [{"field": "accounts.name", "to": "managers", "as": "owner", "inverse": "named"}]}"#)
            == "folio.json: error: relationships[0].as: accounts already has a field or relationship named 'owner'")
        #expect(mistake(#"{"entities": {"accounts": {"key": "nam"}}}"#, ["accounts.csv": "name\nAcme\n"])
            == "folio.json: error: entities.accounts.key: accounts has no field 'nam'; did you mean 'name'? its fields: id, name, parent_id, owner_id, industry, tier, region, country, status, employees, arr, health, nps, products, seats, seats_used, customer_since, renewal_date")
        #expect(mistake(#"{"entities": {"accounts": {"key": "name"}}}"#, ["accounts.csv": "name\nAcme\nBeta\nACME\n"])
            == "accounts.csv:4:1: error: duplicate name \"ACME\" (first on line 2): rows keyed by name need a different name each")
        #expect(mistake(#"{"entities": {"accounts": {"file": "acounts.csv"}}}"#)
            == "folio.json: error: entities.accounts.file: no file 'acounts.csv' in the data; did you mean 'accounts.csv'?")
        #expect(mistake(#"{"entities": {"accounts": {"constants": {"health": "high"}}}}"#, ["accounts.csv": "id\nA1\n"])
            == "folio.json: error: entities.accounts.constants.health: expected a whole number for 'health', found \"high\"")
        #expect(mistake(#"{"entities": {"accounts": {"list_separator": {"name": ", "}}}}"#)
            == "folio.json: error: entities.accounts.list_separator.name: 'name' is string, not a list (declare it \"list\" in types to split it at \", \")")
        #expect(mistake(#"{"entities": {"accounts": {"add_missing": true}, "managers": {"add_missing": true}},"#
                        + #" "relationships": [{"field": "managers.home", "to": "accounts", "as": "home_account", "inverse": "residents"}]}"#)
            == "folio.json: error: entities.accounts.add_missing: add_missing makes a cycle: accounts makes rows for the keys managers references, and managers for the keys accounts references; keep add_missing on one of them")
        #expect(mistake("{\"entities\": {\n  \"accounts\": {\"key\": \"name\",}\n}}")
            == "folio.json:2:30: error: not valid JSON: expected a key in double quotes")
        #expect(mistake(#"{"entities": {"accounts": {"columns": {"id": null}}}}"#)
            == "accounts.csv:1:1: error: no 'id' column (every entity needs one); map one in folio.json (\"columns\": {\"Opportunity ID\": \"id\"}) or key the rows by a field (\"key\": \"name\")")
    }

    @Test func aDateThatDoesNotFitItsFormat() {
        #expect(mistake(#"{"entities": {"accounts": {"date_format": "M/D/YYYY"}}}"#, ["accounts.csv": "id,renewal_date\nA1,3/1/2017\nA2,13/45/2017\n"])
            == "accounts.csv:3:4: error: expected a date (M/D/YYYY) for 'renewal_date', found \"13/45/2017\"")
    }

    @Test func folioJSONWithoutAMappingStillReads() throws {
        let (store, _) = try load(["accounts.csv": "id\nA1\n", "folio.json": #"{"as_of": "2026-06-15", "fiscal_year_start": 2}"#])
        #expect(store.asOf == Day.parse("2026-06-15"))
        #expect(store.fiscalYearStart == 2)
    }
}
