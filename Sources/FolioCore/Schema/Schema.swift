/// The shape of the data: entities, their fields and the relationships between them.
///
/// Declared once (``Schema/standard``) and read by the loader, the checker, `.schema` and
/// completion; nothing else names fields. Custom fields found in data files are added to a
/// copy of an entity's definition when it is loaded.
public enum FieldType: Sendable, Hashable, CustomStringConvertible {
    case string, int, money, decimal, date, bool, enumeration, stringList

    public var description: String {
        switch self {
        case .string: "string"
        case .int: "int"
        case .money: "money"
        case .decimal: "decimal"
        case .date: "date"
        case .bool: "bool"
        case .enumeration: "enum"
        case .stringList: "list of string"
        }
    }

    /// The type as folio.json and the exported schema name it (`enum`, `list`).
    public var configName: String {
        switch self {
        case .stringList: "list"
        default: description
        }
    }
}

/// A to-one relationship carried by a foreign-key field, and the name of its inverse collection.
public struct Reference: Sendable, Hashable {
    /// The entity the key points at (`managers`).
    public var target: String
    /// The name that follows the key as a path (`owner` for `owner_id`).
    public var name: String
    /// The collection name on the target (`accounts` on managers).
    public var inverse: String
}

public struct FieldDef: Sendable, Hashable {
    public var name: String
    public var type: FieldType
    /// Declared picklist values in their declared (sort) order; empty unless `type == .enumeration`.
    public var enumValues: [String]
    public var reference: Reference?
    /// True for a column found in a data file but not declared by the schema.
    public var isCustom: Bool
    /// Where the values come from, for `.schema`: a file's column (`sales_pipeline.csv:
    /// deal_stage`), a constant, a key; nil for folio's own files.
    public var origin: String?
    /// While loading: a custom field whose type is to be inferred from its values (not
    /// declared by a mapping, and not a key).
    public var inferType = false

    public init(_ name: String, _ type: FieldType, values: [String] = [], reference: Reference? = nil, isCustom: Bool = false, origin: String? = nil) {
        self.name = name
        self.type = type
        self.enumValues = values
        self.reference = reference
        self.isCustom = isCustom
        self.origin = origin
    }
}

public struct EntityDef: Sendable, Hashable {
    public var name: String
    public var fields: [FieldDef]

    public func fieldIndex(_ name: String) -> Int? {
        if let i = fields.firstIndex(where: { $0.name.caseInsensitiveEquals(name) }) { return i }
        // Custom fields keep their header text (`Annual Revenue`); match it as headers match.
        let key = EnumDomain.normalize(name)
        return fields.firstIndex { EnumDomain.normalize($0.name) == key }
    }

    /// The self-referencing key whose tree `ancestors`, `descendants` and `root` follow: the
    /// first field that references this entity (`parent_id`, `lead_id`).
    public var hierarchyField: Int? {
        fields.firstIndex { $0.reference?.target.caseInsensitiveEquals(name) == true }
    }

    /// The to-one relationship named `name` (`owner`), with the index of its key field.
    public func relationship(_ name: String) -> (field: Int, reference: Reference)? {
        for (i, f) in fields.enumerated() {
            if let r = f.reference, r.name.caseInsensitiveEquals(name) { return (i, r) }
        }
        return nil
    }
}

/// A to-many relationship: the inverse of some entity's foreign key.
public struct CollectionDef: Sendable, Hashable {
    public var name: String
    /// The entity whose rows the collection holds (`opportunities`).
    public var child: String
    /// The key field in the child that points back (`account_id`).
    public var keyField: String
}

public struct Schema: Sendable, Hashable {
    public var entities: [EntityDef]

    public init(entities: [EntityDef]) { self.entities = entities }

    public func entity(_ name: String) -> EntityDef? {
        entities.first { $0.name.caseInsensitiveEquals(name) }
    }

    public func entityIndex(_ name: String) -> Int? {
        entities.firstIndex { $0.name.caseInsensitiveEquals(name) }
    }

    /// The collections reachable from a row of `entity`, in schema order.
    public func collections(of entity: String) -> [CollectionDef] {
        var result: [CollectionDef] = []
        for e in entities {
            for f in e.fields {
                if let r = f.reference, r.target.caseInsensitiveEquals(entity) {
                    result.append(CollectionDef(name: r.inverse, child: e.name, keyField: f.name))
                }
            }
        }
        return result
    }

    public func collection(_ name: String, of entity: String) -> CollectionDef? {
        collections(of: entity).first { $0.name.caseInsensitiveEquals(name) }
    }
}

extension String {
    /// ASCII case-insensitive equality, the rule for identifiers.
    @inlinable
    public func caseInsensitiveEquals(_ other: String) -> Bool {
        let a = self.utf8, b = other.utf8
        guard a.count == b.count else { return false }
        for (x, y) in zip(a, b) where asciiLower(x) != asciiLower(y) { return false }
        return true
    }
}

@inlinable
public func asciiLower(_ c: UInt8) -> UInt8 {
    (c >= 65 && c <= 90) ? c | 0x20 : c
}
