import Foundation

/// A JSON value, for records that hold another party's `Codable` value without knowing its type:
/// a training task's settings in `run.json`, checkpoints and manifests (``TaskRecord``).
///
/// Numbers keep their kind: an integer that fits in `Int64` or `UInt64` stays an integer (seeds
/// above 2^53 survive), anything else is a `Double`. Encoding a value, decoding it as `JSONValue`
/// and encoding that again gives the same JSON text, so two records compare equal exactly when
/// their JSON does.
public enum JSONValue: Codable, Hashable, Sendable {
    case null
    case bool(Bool)
    case integer(Int64)
    case unsignedInteger(UInt64)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    /// `value` as JSON.
    ///
    /// - Throws: `EncodingError` when `value` cannot be encoded (a non-finite `Double`, say).
    public init(encoding value: some Encodable) throws {
        self = try JSONDecoder().decode(JSONValue.self, from: try JSONEncoder().encode(value))
    }

    /// The value decoded as `type`.
    ///
    /// - Throws: `DecodingError` when the JSON does not fit `type`.
    public func decode<T: Decodable>(_ type: T.Type) throws -> T {
        try JSONDecoder().decode(type, from: try JSONEncoder().encode(self))
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() { self = .null }
        else if let value = try? container.decode(Bool.self) { self = .bool(value) }
        else if let value = try? container.decode(Int64.self) { self = .integer(value) }
        else if let value = try? container.decode(UInt64.self) { self = .unsignedInteger(value) }
        else if let value = try? container.decode(Double.self) { self = .number(value) }
        else if let value = try? container.decode(String.self) { self = .string(value) }
        else if let value = try? container.decode([JSONValue].self) { self = .array(value) }
        else { self = .object(try container.decode([String: JSONValue].self)) }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case .bool(let value): try container.encode(value)
        case .integer(let value): try container.encode(value)
        case .unsignedInteger(let value): try container.encode(value)
        case .number(let value): try container.encode(value)
        case .string(let value): try container.encode(value)
        case .array(let value): try container.encode(value)
        case .object(let value): try container.encode(value)
        }
    }

    /// The dotted paths where `self` and `other` differ (`optimizer.sgd.learningRate`), sorted;
    /// `(root)` when the values differ at the top.
    package func differences(from other: JSONValue, path: String = "") -> [String] {
        if case .object(let a) = self, case .object(let b) = other {
            return Set(a.keys).union(b.keys).sorted().flatMap { key in
                let child = path.isEmpty ? key : path + "." + key
                guard let x = a[key], let y = b[key] else { return [child] }
                return x.differences(from: y, path: child)
            }
        }
        return self == other ? [] : [path.isEmpty ? "(root)" : path]
    }
}
