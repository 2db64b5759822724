/// Country names as exports write them, onto ISO 3166 alpha-2 codes (folio's `country`):
/// `United States` → US, `Philipines` (a close spelling) → PH.
enum CountryNames {
    static let codes: [String: String] = [
        "unitedstates": "US", "unitedstatesofamerica": "US", "usa": "US", "us": "US", "america": "US",
        "unitedkingdom": "GB", "uk": "GB", "greatbritain": "GB", "england": "GB", "britain": "GB", "scotland": "GB",
        "germany": "DE", "deutschland": "DE", "france": "FR", "spain": "ES", "italy": "IT", "netherlands": "NL", "holland": "NL",
        "thenetherlands": "NL", "belgium": "BE", "switzerland": "CH", "austria": "AT", "sweden": "SE", "norway": "NO",
        "denmark": "DK", "finland": "FI", "ireland": "IE", "portugal": "PT", "poland": "PL", "czechrepublic": "CZ", "czechia": "CZ",
        "romania": "RO", "hungary": "HU", "greece": "GR", "turkey": "TR", "turkiye": "TR", "russia": "RU", "russianfederation": "RU",
        "ukraine": "UA", "israel": "IL", "jordan": "JO", "unitedarabemirates": "AE", "uae": "AE", "saudiarabia": "SA", "egypt": "EG",
        "southafrica": "ZA", "nigeria": "NG", "kenya": "KE", "morocco": "MA", "ghana": "GH", "india": "IN", "china": "CN",
        "japan": "JP", "southkorea": "KR", "korea": "KR", "republicofkorea": "KR", "korearepublicof": "KR", "taiwan": "TW",
        "hongkong": "HK", "singapore": "SG", "malaysia": "MY", "indonesia": "ID", "philippines": "PH", "thailand": "TH",
        "vietnam": "VN", "australia": "AU", "newzealand": "NZ", "canada": "CA", "mexico": "MX", "brazil": "BR", "brasil": "BR",
        "argentina": "AR", "chile": "CL", "colombia": "CO", "peru": "PE", "panama": "PA", "costarica": "CR", "venezuela": "VE",
        "uruguay": "UY", "pakistan": "PK", "bangladesh": "BD", "srilanka": "LK", "luxembourg": "LU", "iceland": "IS", "estonia": "EE",
        "latvia": "LV", "lithuania": "LT", "slovakia": "SK", "slovenia": "SI", "croatia": "HR", "serbia": "RS", "bulgaria": "BG",
        "qatar": "QA", "kuwait": "KW", "bahrain": "BH", "oman": "OM", "lebanon": "LB", "cyprus": "CY", "malta": "MT",
    ]

    static let names = Array(codes.keys)

    /// The code of a country name (or a close spelling of one), or nil.
    static func code(of label: String) -> String? {
        let s = ColumnProfile.squash(label)
        if let c = codes[s] { return c }
        guard s.count >= 6, let near = Suggest.closest(s, among: names), Suggest.distance(s, near) <= 2 else { return nil }
        return codes[near]
    }

    /// Whether the values are ISO codes already (two capital letters each).
    static func areCodes(_ values: [String]) -> Bool {
        values.allSatisfy { v in v.count == 2 && v.allSatisfy { $0.isASCII && $0.isUppercase } }
    }
}
