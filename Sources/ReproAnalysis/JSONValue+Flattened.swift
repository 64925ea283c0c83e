import Foundation
import ReproRuns

/// JSON values as the report and `repro compare` show them: any `Encodable` record (a
/// configuration, a fingerprint) flattened into sorted `field → text` rows.
extension JSONValue {
    /// The rows of `value` encoded as JSON: nested objects give dotted names (`environment.NAME`),
    /// arrays of scalars one comma-separated text, other arrays indexed names (`items.0`); an empty
    /// object or array gives `(none)`. Sorted by field name; nil values read `null`.
    ///
    /// - Determinism: keys are sorted, numbers written in Swift's shortest round-trip form.
    static func flattened<T: Encodable>(_ value: T, prefix: String = "") -> [(key: String, value: String)] {
        guard let json = try? JSONValue(encoding: value) else {
            return [(prefix.isEmpty ? "value" : String(prefix.dropLast()), "(cannot be shown)")]
        }
        var rows: [(key: String, value: String)] = []
        json.flatten(into: &rows, name: prefix.isEmpty ? "" : String(prefix.dropLast()))
        return rows.sorted { $0.key < $1.key }
    }

    private func flatten(into rows: inout [(key: String, value: String)], name: String) {
        func child(_ key: String) -> String { name.isEmpty ? key : name + "." + key }
        switch self {
        case .object(let members) where !members.isEmpty:
            for key in members.keys.sorted() { members[key]!.flatten(into: &rows, name: child(key)) }
        case .array(let items) where !items.isEmpty && !items.allSatisfy(\.isScalar):
            for (index, item) in items.enumerated() { item.flatten(into: &rows, name: child(String(index))) }
        default:
            rows.append((name.isEmpty ? "value" : name, text))
        }
    }

    private var isScalar: Bool {
        switch self {
        case .array, .object: false
        default: true
        }
    }

    /// The value as one line of text.
    var text: String {
        switch self {
        case .null: "null"
        case .bool(let value): value ? "true" : "false"
        case .integer(let value): String(value)
        case .unsignedInteger(let value): String(value)
        case .number(let value): value.description
        case .string(let value): value
        case .array(let items): items.isEmpty ? "(none)" : items.map(\.text).joined(separator: ", ")
        case .object(let members): members.isEmpty ? "(none)" : "{…}"
        }
    }
}
