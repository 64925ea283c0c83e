/// The 128-bit linear congruential state shared by ``PCG64`` and ``PCG64DXSM``.
///
/// `Codable` as decimal strings, the same integers numpy shows in `bit_generator.state`.
public struct LCG128: Sendable, Hashable {
    public var state: UInt128
    /// The odd increment (numpy `inc`).
    public var increment: UInt128

    /// PCG's default 128-bit multiplier.
    public static let multiplier: UInt128 = 0x2360_ED05_1FC6_5DA4_4385_DF64_9FCC_F645
    /// The 64-bit "cheap" multiplier of PCG64DXSM.
    public static let cheapMultiplier: UInt64 = 0xDA94_2042_E4DD_58B5
    /// numpy's jump distance: (φ − 1)·2^128 rounded to odd.
    public static let jumpStep: UInt128 = 0x9E37_79B9_7F4A_7C15_F39C_C060_5CED_C835

    public init(state: UInt128, increment: UInt128) {
        self.state = state
        self.increment = increment
    }

    /// numpy's `pcg_setseq_128_srandom_r` with the words of `generate_state(4, uint64)`.
    init(_ seedSequence: SeedSequence, multiplier: UInt128) {
        let words = seedSequence.generateState64(count: 4)
        let initState = UInt128(words[0]) << 64 | UInt128(words[1])
        let initSequence = UInt128(words[2]) << 64 | UInt128(words[3])
        self.init(state: 0, increment: initSequence << 1 | 1)
        step(multiplier: multiplier)
        state &+= initState
        step(multiplier: multiplier)
    }

    @inlinable
    mutating func step(multiplier: UInt128) {
        state = state &* multiplier &+ increment
    }

    /// Jumps ahead `delta` steps in O(log delta) (Brown's algorithm, numpy `pcg_advance_lcg_128`).
    mutating func advance(_ delta: UInt128, multiplier: UInt128) {
        var accMult: UInt128 = 1
        var accPlus: UInt128 = 0
        var curMult = multiplier
        var curPlus = increment
        var remaining = delta
        while remaining > 0 {
            if remaining & 1 == 1 {
                accMult &*= curMult
                accPlus = accPlus &* curMult &+ curPlus
            }
            curPlus = (curMult &+ 1) &* curPlus
            curMult &*= curMult
            remaining >>= 1
        }
        state = accMult &* state &+ accPlus
    }
}

extension LCG128: Codable {
    enum CodingKeys: String, CodingKey { case state, increment }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        func decode(_ key: CodingKeys) throws -> UInt128 {
            let text = try container.decode(String.self, forKey: key)
            guard let value = UInt128(text) else {
                throw DecodingError.dataCorruptedError(
                    forKey: key, in: container,
                    debugDescription: "expected an unsigned 128-bit decimal integer, got '\(text)'")
            }
            return value
        }
        self.init(state: try decode(.state), increment: try decode(.increment))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(String(state), forKey: .state)
        try container.encode(String(increment), forKey: .increment)
    }
}
