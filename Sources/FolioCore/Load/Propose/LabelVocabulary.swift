/// Other names of folio's picklist values in exports (`Won`, `Closed Won` → closed_won,
/// `medical` → healthcare, `Negotiation/Review` → negotiation), and how a label is matched
/// onto a declared value: already the value (the loader normalizes it), a known name, a
/// close spelling (`technolgy`), or a first word that is the value (`call_made` → call).
enum LabelVocabulary {
    /// `entity.field` → squashed label → declared value.
    static let synonyms: [String: [String: String]] = {
        let lists: [String: [(String, [String])]] = [
            "opportunities.stage": [
                ("closed_won", ["won", "win", "wonclosed", "closedwin", "closedwonpaid"]),
                ("closed_lost", ["lost", "loss", "lostclosed", "closedloss", "dead", "closedlostdisqualified"]),
                ("qualification", ["qualified", "qualify", "qualifying", "qualifiedtobuy", "engaging", "engaged", "inprogress", "working"]),
                ("proposal", ["proposalmade", "proposalsent", "proposalpricequote", "quote", "quoted", "quotesent", "presentationscheduled"]),
                ("negotiation", ["negotiationreview", "negotiations", "negotiationsstarted", "negotiating", "contractsent", "decisionmakerboughtin"]),
                ("prospecting", ["prospect", "prospects", "new", "newlead", "leadin", "appointmentscheduled", "discovery", "contactmade"]),
            ],
            "opportunities.type": [
                ("new_business", ["new", "newcustomer", "newlogo", "newdeal", "newbusinessdeal"]),
                ("upsell", ["upgrade", "expansion", "existingbusiness", "existingcustomerupgrade", "upsale"]),
                ("cross_sell", ["crosssale", "addon"]),
                ("renewal", ["renew", "renewals", "existingcustomerrenewal"]),
            ],
            "accounts.industry": [
                ("technology", ["software", "saas", "it", "internet", "tech", "informationtechnology", "informationtechnologyandservices",
                                "computersoftware", "hardware", "electronics", "semiconductors", "computerhardware"]),
                ("healthcare", ["medical", "health", "healthcareservices", "hospital", "hospitals", "hospitalhealthcare", "medicaldevices"]),
                ("financial_services", ["finance", "financial", "banking", "bank", "banks", "insurance", "fintech", "investment",
                                        "investmentbanking", "assetmanagement", "financialservice"]),
                ("telecom", ["telecommunications", "telecommunication", "telco", "telecoms", "wireless"]),
                ("pharma", ["pharmaceuticals", "pharmaceutical", "biotechnology", "biotech", "lifesciences"]),
                ("public_sector", ["government", "governmentadministration", "public", "publicadministration", "governmentagency"]),
                ("professional_services", ["consulting", "managementconsulting", "legal", "legalservices", "accounting", "lawpractice"]),
                ("retail", ["ecommerce", "retailers", "retailing"]),
                ("manufacturing", ["industrial", "industrials", "machinery", "industrialmachinery"]),
                ("consumer_goods", ["cpg", "fmcg", "consumerproducts", "consumerpackagedgoods"]),
            ],
            "accounts.status": [
                ("active", ["customer", "current", "currentcustomer", "live"]),
                ("churned", ["churn", "formercustomer", "cancelled", "canceled", "lostcustomer", "inactive"]),
                ("prospect", ["lead", "prospective", "trial", "opportunity"]),
            ],
            "activities.kind": [
                ("call", ["calls", "phone", "phonecall", "callmade", "loggedcall", "outboundcall", "inboundcall"]),
                ("email", ["emails", "emailsent", "mail"]),
                ("meeting", ["meetings", "meetingscheduled", "meetingheld", "demo", "visit"]),
                ("qbr", ["businessreview", "quarterlybusinessreview", "ebr"]),
                ("note", ["notes", "comment"]),
            ],
            "activities.outcome": [
                ("positive", ["success", "successful", "good", "connected", "interested"]),
                ("neutral", ["noanswer", "none", "ok"]),
                ("negative", ["failed", "unsuccessful", "bad", "notinterested"]),
            ],
            "contacts.role": [
                ("decision_maker", ["economicbuyer", "buyer", "decider", "executivesponsor"]),
                ("champion", ["sponsor", "advocate"]),
                ("user", ["enduser", "users"]),
            ],
            "managers.level": [
                ("junior", ["jr", "entry", "associate"]),
                ("mid", ["midlevel", "intermediate", "middle"]),
                ("senior", ["sr", "lead", "principal"]),
            ],
            "managers.region": regionNames, "accounts.region": regionNames,
        ]
        var out: [String: [String: String]] = [:]
        for (field, pairs) in lists {
            var table: [String: String] = [:]
            for (value, names) in pairs { for n in names { table[n] = value } }
            out[field] = table
        }
        return out
    }()

    /// Fields whose values are categories, where a synonym is often a narrower kind (banking
    /// is a financial service): labels the export tells apart stay apart (ValueMapping).
    static let categories: Set<String> = ["accounts.industry", "activities.kind", "contacts.role"]

    static let regionNames: [(String, [String])] = [
        ("AMER", ["americas", "northamerica", "namer", "us", "usa", "unitedstates", "canada"]),
        ("EMEA", ["europe", "eu", "emea", "uk", "middleeast", "africa"]),
        ("APAC", ["asia", "asiapacific", "apj", "pacific", "anz"]),
        ("LATAM", ["latinamerica", "southamerica", "lat", "centralamerica"]),
    ]

    /// How a label came to its value, for the report.
    enum How: Sendable, Equatable {
        /// The loader matches it already (`Closed Won`, `Financial Services`).
        case already
        case synonym
        case spelling
        case firstWord
    }

    /// The declared value of `entity.field` a label stands for, or nil (a custom value).
    static func match(_ label: String, field: String, declared: [String]) -> (value: String, how: How)? {
        let normalized = EnumDomain.normalize(label.trimmingCharacters(in: .whitespaces))
        if let hit = declared.first(where: { EnumDomain.normalize($0) == normalized }) { return (hit, .already) }
        let squashed = ColumnProfile.squash(label)
        if squashed.isEmpty { return nil }
        if let hit = declared.first(where: { ColumnProfile.squash($0) == squashed }) { return (hit, .spelling) }
        if let value = synonyms[field]?[squashed], declared.contains(value) { return (value, .synonym) }
        // Close spellings only for words long enough that a slip is not another word.
        if squashed.count >= 6, let near = Suggest.closest(squashed, among: declared.map(ColumnProfile.squash)),
           Suggest.distance(squashed, near) <= (squashed.count >= 9 ? 2 : 1),
           let hit = declared.first(where: { ColumnProfile.squash($0) == near }) {
            return (hit, .spelling)
        }
        let words = normalized.split(separator: "_").map(String.init)
        if words.count > 1, let first = words.first, first.count >= 4 {
            if let hit = declared.first(where: { EnumDomain.normalize($0) == first }) { return (hit, .firstWord) }
            if let value = synonyms[field]?[first], declared.contains(value) { return (value, .firstWord) }
        }
        return nil
    }
}
