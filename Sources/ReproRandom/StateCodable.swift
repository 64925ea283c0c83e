/// A generator whose `Codable` form is its checked, public `State` (numpy's `get_state`/`set_state`,
/// CPython's `getstate`/`setstate`): encoding writes ``getState()``, decoding reads a `State` and
/// restores it through ``init(state:)``, so a saved state that the API would reject fails to decode.
public protocol StateCodable: Codable {
    associatedtype State: Codable
    /// The complete state, enough to continue the stream exactly.
    func getState() -> State
    /// A generator in exactly `state`; throws ``RandomArgumentError`` for a state it cannot hold.
    init(state: State) throws
}

extension StateCodable {
    /// Encodes ``getState()``.
    public func encode(to encoder: any Encoder) throws {
        try getState().encode(to: encoder)
    }

    /// Decodes a `State` and checks it.
    ///
    /// - Throws: `DecodingError.dataCorrupted` naming the type and what is wrong, for a state
    ///   ``init(state:)`` rejects.
    public init(from decoder: any Decoder) throws {
        let state = try State(from: decoder)
        do {
            try self.init(state: state)
        } catch let error as RandomArgumentError {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath,
                                                    debugDescription: "invalid \(Self.self) state: \(error.message)"))
        }
    }
}
