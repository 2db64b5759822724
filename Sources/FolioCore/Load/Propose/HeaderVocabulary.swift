/// The names exports give folio's entities and fields: Salesforce (`AccountId`, `StageName`),
/// HubSpot (`Record ID`, `Deal Stage`, `Associated Company`), Pipedrive (`Deal - Title`,
/// `Deal - Organization`) and plain-English reports (`Sales Agent`, `Close Value`).
///
/// Names are compared squashed (letters and digits, lower case), so `Close Date`,
/// `close_date` and `CloseDate` are one name. Within a field, earlier names are stronger.
enum HeaderVocabulary {
    /// For each of folio's entities, the other names of its fields, strongest first.
    static let synonyms: [String: [(field: String, names: [String])]] = [
        "managers": [
            ("name", ["full_name", "sales_agent", "agent", "agent_name", "sales_rep", "rep", "rep_name", "salesperson", "employee",
                      "employee_name", "user_name", "owner_name", "member", "member_name", "display_name"]),
            ("email", ["email_address", "e_mail", "work_email", "mail"]),
            ("role", ["user_role", "job_role"]),
            ("level", ["seniority", "grade"]),
            ("region", ["regional_office", "sales_region", "territory", "office", "region_name", "sales_territory", "geo"]),
            ("lead_id", ["manager", "manager_id", "manager_name", "reports_to", "reports_to_id", "supervisor", "team_lead", "lead",
                         "leader", "team_leader"]),
            ("quota", ["annual_quota", "sales_quota", "quota_amount", "yearly_quota", "target"]),
        ],
        "accounts": [
            ("name", ["account_name", "account", "company", "company_name", "organization", "organization_name", "organisation",
                      "org_name", "customer", "customer_name", "client", "client_name", "business_name"]),
            ("parent_id", ["parent", "parent_account", "parent_account_id", "parent_company", "parent_company_id", "parent_organization",
                           "subsidiary_of", "parent_name"]),
            ("owner_id", ["owner", "account_owner", "company_owner", "owner_name", "account_manager", "sales_agent", "sales_rep", "hubspot_owner"]),
            ("industry", ["sector", "vertical", "industry_type", "industry_name"]),
            ("tier", ["account_tier", "customer_tier"]),
            ("region", ["sales_region", "territory", "geo", "geography", "region_name"]),
            ("country", ["billing_country", "country_region", "country_name", "office_location", "hq_country", "headquarters_country",
                         "country_code", "shipping_country", "location"]),
            ("status", ["account_status", "customer_status"]),
            ("employees", ["number_of_employees", "employee_count", "employees_count", "headcount", "num_employees", "no_of_employees", "staff_count"]),
            ("arr", ["annual_recurring_revenue", "estimated_annual_recurring_revenue", "estimated_arr", "current_arr", "arr_usd", "recurring_revenue"]),
            ("health", ["health_score", "account_health", "customer_health"]),
            ("nps", ["nps_score", "net_promoter_score"]),
            ("products", ["products_owned", "product_list", "owned_products"]),
            ("seats", ["licenses", "licensed_seats", "seat_count", "purchased_seats", "licences"]),
            ("seats_used", ["used_seats", "active_seats", "seats_in_use", "licenses_used"]),
            ("customer_since", ["became_a_customer_date", "customer_start_date", "customer_since_date", "first_purchase_date", "contract_start_date"]),
            ("renewal_date", ["next_renewal_date", "renewal", "contract_end_date", "contract_renewal_date"]),
        ],
        "contacts": [
            ("name", ["full_name", "contact_name", "person_name", "person", "contact", "display_name"]),
            ("title", ["job_title", "position", "job_position", "designation"]),
            ("email", ["email_address", "e_mail", "work_email", "emails", "mail"]),
            ("phone", ["phone_number", "mobile", "mobile_phone", "telephone", "work_phone", "phones"]),
            ("account_id", ["account", "account_name", "company", "company_name", "associated_company", "associated_company_id",
                            "associated_company_ids", "organization", "organization_name", "org_id", "organization_id", "customer",
                            "customer_id", "company_id", "client"]),
            ("role", ["contact_role", "buying_role", "persona"]),
            ("is_primary", ["primary", "primary_contact", "is_primary_contact", "main_contact"]),
            ("last_contacted", ["last_contact", "last_contact_date", "last_activity_date", "last_contacted_date", "last_engagement_date", "last_touch"]),
        ],
        "opportunities": [
            ("name", ["opportunity_name", "deal_name", "title", "deal_title", "opportunity", "deal"]),
            ("product", ["product_name", "item", "sku"]),
            ("next_step", ["next_steps", "next_action"]),
            ("account_id", ["account", "account_name", "company", "company_name", "associated_company", "associated_company_id",
                            "organization", "organization_name", "org_id", "organization_id", "customer", "customer_id", "customer_name",
                            "company_id", "client", "client_name"]),
            ("owner_id", ["owner", "deal_owner", "opportunity_owner", "owner_name", "sales_agent", "agent", "sales_rep", "rep", "salesperson",
                          "sales_person", "assigned_to", "account_executive", "sr_id", "sales_rep_id", "rep_id", "agent_id"]),
            ("type", ["opportunity_type", "deal_type"]),
            ("stage", ["stage_name", "deal_stage", "sales_stage", "pipeline_stage", "opportunity_stage", "status", "deal_status"]),
            ("amount", ["value", "deal_value", "close_value", "opportunity_amount", "deal_amount", "amount_usd", "contract_value",
                        "deal_size", "amount_in_company_currency", "total", "price"]),
            ("probability", ["win_probability", "deal_probability", "probability_percent", "probability_pct", "likelihood"]),
            ("created", ["created_date", "create_date", "created_at", "created_on", "engage_date", "date_created", "deal_created", "open_date",
                         "opened", "opened_at", "created_time"]),
            ("close_date", ["closed_date", "expected_close_date", "close", "won_date", "closed_at", "date_closed", "closing_date", "won_time", "closed_on"]),
        ],
        "activities": [
            ("subject", ["notes", "note", "description", "title", "activity_subject", "body", "summary", "details", "comment", "comments"]),
            ("account_id", ["account", "account_name", "company", "company_name", "associated_company", "organization", "organization_name",
                            "org_id", "organization_id", "customer", "customer_id", "company_id"]),
            ("contact_id", ["contact", "person", "person_id", "associated_contact", "contact_name"]),
            ("owner_id", ["owner", "assigned_to", "activity_owner", "user", "sales_agent", "agent", "rep", "sales_rep", "sdr", "sdr_name",
                          "owner_name", "performed_by"]),
            ("kind", ["type", "activity_type", "task_type", "event_type", "activity_kind"]),
            ("date", ["activity_date", "activity_timestamp", "timestamp", "due_date", "occurred_at", "completed_at", "date_time", "datetime",
                      "activity_datetime", "start_date", "start_time", "event_date", "call_date", "created_date", "created_at"]),
            ("outcome", ["result", "call_outcome", "disposition", "activity_outcome", "call_result"]),
        ],
    ]

    /// Squashed name → (field, rank) per entity; rank 0 is the field's own name.
    static let index: [String: [String: (field: String, rank: Int)]] = {
        var out: [String: [String: (field: String, rank: Int)]] = [:]
        for entity in Schema.standard.entities {
            var names: [String: (field: String, rank: Int)] = [:]
            for f in entity.fields where f.name != "id" { names[ColumnProfile.squash(f.name)] = (f.name, 0) }
            for (field, list) in synonyms[entity.name] ?? [] {
                for (i, name) in list.enumerated() where names[ColumnProfile.squash(name)] == nil {
                    names[ColumnProfile.squash(name)] = (field, i + 1)
                }
            }
            out[entity.name] = names
        }
        return out
    }()

    /// The field of `entity` a header names, and how strongly (0: the field's own name).
    /// A Pipedrive header (`Deal - Title`) is read without its prefix when the prefix names
    /// this entity, and as a whole (`Organization - Name`) when it names another.
    static func field(for header: String, in entity: String) -> (field: String, rank: Int)? {
        guard let names = index[entity] else { return nil }
        if let (prefix, rest) = pipedrivePrefix(header), entityNamed(by: ColumnProfile.squash(prefix))?.entity == entity {
            return names[ColumnProfile.squash(rest)]
        }
        return names[ColumnProfile.squash(header)]
    }

    /// `Deal - Title` → (`Deal`, `Title`).
    static func pipedrivePrefix(_ header: String) -> (String, String)? {
        guard let r = header.range(of: " - ") else { return nil }
        let prefix = header[..<r.lowerBound].trimmingCharacters(in: .whitespaces)
        let rest = header[r.upperBound...].trimmingCharacters(in: .whitespaces)
        guard !prefix.isEmpty, !rest.isEmpty, !prefix.contains(" ") else { return nil }
        return (prefix, rest)
    }

    // MARK: - Entity names

    /// Words of file names (and Pipedrive prefixes) that name one of folio's entities; a weak
    /// word (`users`, often the customers' people in a SaaS export) counts for less.
    static let entityWords: [(entity: String, strong: [String], weak: [String])] = [
        ("managers", ["manager", "managers", "owner", "owners", "agent", "agents", "rep", "reps", "salesrep", "salesreps", "team", "teams",
                      "salesteam", "salesteams", "employee", "employees", "staff", "salesperson", "salespeople"], ["user", "users", "member", "members"]),
        ("accounts", ["account", "accounts", "company", "companies", "organization", "organizations", "organisation", "organisations",
                      "org", "orgs", "customer", "customers", "client", "clients"], []),
        ("contacts", ["contact", "contacts", "people", "person", "persons"], []),
        ("opportunities", ["opportunity", "opportunities", "deal", "deals", "pipeline", "pipelines", "salespipeline"], []),
        ("activities", ["activity", "activities", "task", "tasks", "event", "events", "call", "calls", "meeting", "meetings",
                        "engagement", "engagements", "interaction", "interactions", "touchpoints"], []),
    ]

    /// Words a file name carries besides what it holds (`olist_…_dataset`, `…_raw`, `export`).
    static let noiseWords: Set<String> = ["olist", "dataset", "datasets", "data", "raw", "export", "exports", "exported", "all", "crm",
                                          "hubspot", "pipedrive", "salesforce", "sfdc", "final", "clean", "cleaned", "report", "sample",
                                          "copy", "dump", "extract", "tbl", "dim", "fact", "seed", "seeds"]

    /// The entity a word names, and whether strongly.
    static func entityNamed(by word: String) -> (entity: String, strong: Bool)? {
        for e in entityWords {
            if e.strong.contains(word) { return (e.entity, true) }
            if e.weak.contains(word) { return (e.entity, false) }
        }
        return nil
    }

    /// A file name's words, lower case, without noise, dates and version numbers:
    /// `olist_closed_deals_dataset` → closed, deals; `SalesPipeline-2024` → sales, pipeline.
    static func words(ofFileName base: String) -> [String] {
        var words: [String] = []
        var current = ""
        var previousLower = false
        for ch in base {
            if ch.isLetter || ch.isNumber {
                // camelCase: a capital after a small letter starts a word.
                if ch.isUppercase, previousLower, !current.isEmpty {
                    words.append(current)
                    current = ""
                }
                current.append(Character(ch.lowercased()))
                previousLower = ch.isLowercase
            } else {
                if !current.isEmpty { words.append(current) }
                current = ""
                previousLower = false
            }
        }
        if !current.isEmpty { words.append(current) }
        return words.filter { w in
            !noiseWords.contains(w) && !w.allSatisfy(\.isNumber) && !(w.first == "v" && w.dropFirst().allSatisfy(\.isNumber) && w.count > 1)
        }
    }

    /// An English plural made singular, well enough for entity and column names.
    static func singular(_ word: String) -> String {
        if word.hasSuffix("ies"), word.count > 4 { return String(word.dropLast(3)) + "y" }
        if word.hasSuffix("sses") || word.hasSuffix("xes") || word.hasSuffix("ches") || word.hasSuffix("shes") { return String(word.dropLast(2)) }
        if word.hasSuffix("s"), !word.hasSuffix("ss"), word.count > 3 { return String(word.dropLast()) }
        return word
    }

    /// Whether a header names an identifier: `id`, `Id`, `…_id`, `AccountId`, `Record ID`, `uuid`.
    static func isIdLike(_ header: String) -> Bool {
        let n = Loader.normalizeHeader(header)
        if n == "id" || n.hasSuffix("_id") || n == "uuid" || n.hasSuffix("_uuid") || n == "key" || n.hasSuffix("_key") { return true }
        return header.hasSuffix("Id") || header.hasSuffix("ID")
    }

    /// A header without its identifier ending: `seller_id` → `seller`, `AccountId` → `account`.
    static func stem(_ header: String) -> String {
        var s = ColumnProfile.squash(pipedrivePrefix(header)?.1 ?? header)
        if pipedrivePrefix(header) != nil, ["id", "name"].contains(s) { s = ColumnProfile.squash(header) }
        for suffix in ["uuid", "id", "key", "name", "code"] where s.hasSuffix(suffix) && s.count > suffix.count {
            return String(s.dropLast(suffix.count))
        }
        return s
    }
}
