import Testing
@testable import ReproRandom

/// The stability guard for numpy's legacy `RandomState` and CPython's `random`: for each method and a
/// few seeds, the FNV-1a ``StreamHash`` of the first 10,000 outputs, pinned below as literals.
///
/// The literals are numpy's and CPython's own: `scripts/reference_legacy.py` computes the same hash over
/// numpy 2.4 / CPython 3.11 outputs, prints these rows and writes them to `legacy_stability.json` and
/// `python_stability.json`; `literalsAreTheReferenceHashes` checks that the files and the literals agree.
///
/// Changing a literal is a breaking change: a seeded stream that users rely on would give other
/// numbers. Never update one to make a test pass; a stream may change only to match numpy or CPython,
/// announced as a breaking change.
@Suite struct LegacyStabilityTests {
    /// numpy `RandomState(seed)`: method, seed, hash of 10,000 outputs (doubles by bit pattern,
    /// integers as 64-bit two's complement). `randint0` is `randint(0, 1000)`, `randint1` is
    /// `randint(-2**40, 2**40)`, `permutation` is `permutation(10000)`.
    static let randomState: [(method: String, seed: UInt32, hash: UInt64)] = [
        ("randomSample", 0, 0x88c9_e961_d651_8204),
        ("standardNormal", 0, 0xa940_d5fe_21d9_79ec),
        ("randint0", 0, 0xd6c0_a237_bf63_4901),
        ("randint1", 0, 0x594a_817e_8b88_e942),
        ("permutation", 0, 0x0af5_92b2_73a5_21c1),
        ("randomSample", 42, 0xa444_7c48_3b35_2ddc),
        ("standardNormal", 42, 0x5e41_ae49_7fb0_f6d3),
        ("randint0", 42, 0x10cc_c038_1f77_e6b4),
        ("randint1", 42, 0xd72f_d07a_2bf9_6d65),
        ("permutation", 42, 0x56c7_2d95_ed60_7c4d),
        ("randomSample", 4294967295, 0x58f4_7479_dcb7_14b9),
        ("standardNormal", 4294967295, 0x71ae_7487_64a5_9410),
        ("randint0", 4294967295, 0x3b72_7803_0bea_458e),
        ("randint1", 4294967295, 0x19d8_71f7_9e89_8c99),
        ("permutation", 4294967295, 0xfa10_35f6_5728_f799),
    ]

    /// CPython `random.Random(seed)` (an `int`, or a `str` for `"repro"`): method, seed, hash of
    /// 10,000 outputs: `getrandbits(64)`, `randrange(10**6)`, `randrange(-2**62, 2**62, 7)`,
    /// `randint(-1000, 1000)`, `choice(range(37))`, `shuffle(list(range(10000)))`,
    /// `uniform(-3.5, 2.25)`, `gauss()`.
    static let python: [(method: String, seed: String, hash: UInt64)] = [
        ("random", "0", 0xe300_9723_d28a_7c51),
        ("getrandbits64", "0", 0x3a8d_893c_0969_52b2),
        ("randrange", "0", 0xed8d_9b8a_334a_fa3d),
        ("randrangeStep", "0", 0xe9e6_d78c_a644_473f),
        ("randint", "0", 0x38ec_4781_aedc_2e40),
        ("choice", "0", 0xda41_0cb1_66c7_f1ef),
        ("shuffle", "0", 0x2138_ed8e_55cb_0255),
        ("uniform", "0", 0x7cc0_07da_6317_58bf),
        ("gauss", "0", 0x626f_d332_76d7_2b63),
        ("random", "42", 0xf60d_65d8_d5f9_fc9e),
        ("getrandbits64", "42", 0xe9fb_351c_6218_309f),
        ("randrange", "42", 0x334b_4ef6_6256_4226),
        ("randrangeStep", "42", 0xb20d_0641_fd95_ef0f),
        ("randint", "42", 0xf9ab_44e9_c38f_6d96),
        ("choice", "42", 0x06c9_d71f_a092_b2b9),
        ("shuffle", "42", 0xa32a_edb2_514f_83fd),
        ("uniform", "42", 0xa87a_4aad_2949_2189),
        ("gauss", "42", 0x84bd_c4c9_723c_5d80),
        ("random", "repro", 0x23d5_db1b_4ddf_e617),
        ("getrandbits64", "repro", 0x18a5_5bb8_3811_f0ad),
        ("randrange", "repro", 0xa5ba_2246_f586_7f3e),
        ("randrangeStep", "repro", 0xfab1_b185_2901_790f),
        ("randint", "repro", 0x9dda_8a83_680c_8cb4),
        ("choice", "repro", 0xec54_7a43_a35c_9e43),
        ("shuffle", "repro", 0xfdfd_cac3_dca0_d711),
        ("uniform", "repro", 0xa3a2_83a2_0772_21c7),
        ("gauss", "repro", 0x5e93_16be_6c5c_6c20),
    ]

    /// The hash of `count` draws, each given as its 64-bit word (a double's bit pattern, an integer's
    /// two's complement), as the script hashes them.
    static func hash(_ count: Int = 10_000, _ draw: () throws -> UInt64) rethrows -> UInt64 {
        var hash = StreamHash()
        for _ in 0..<count { hash.add(try draw()) }
        return hash.value
    }

    static func hash(_ values: [Int]) -> UInt64 {
        var hash = StreamHash()
        for value in values { hash.add(value) }
        return hash.value
    }

    static func streamHash(randomState method: String, seed: UInt32) throws -> UInt64 {
        var rs = RandomState(seed: seed)
        switch method {
        case "randomSample": return hash { rs.randomSample().bitPattern }
        case "standardNormal": return hash { rs.standardNormal().bitPattern }
        case "randint0": return try hash { UInt64(bitPattern: try rs.randint(0, 1000)) }
        case "randint1": return try hash { UInt64(bitPattern: try rs.randint(-(1 << 40), 1 << 40)) }
        case "permutation": return hash(try rs.permutation(10_000))
        default: throw RandomArgumentError("test", "no stream '\(method)'")
        }
    }

    static func word(_ value: Int) -> UInt64 { UInt64(bitPattern: Int64(value)) }

    static func streamHash(python method: String, seed: String) throws -> UInt64 {
        var r = Int(seed).map { PythonRandom(seed: $0) } ?? PythonRandom(seed: seed)
        switch method {
        case "random": return hash { r.random().bitPattern }
        case "getrandbits64": return try hash { try r.getrandbits(64) }
        case "randrange": return try hash { word(try r.randrange(1_000_000)) }
        case "randrangeStep": return try hash { word(try r.randrange(-(1 << 62), 1 << 62, step: 7)) }
        case "randint": return try hash { word(try r.randint(-1000, 1000)) }
        case "choice": return try hash { word(try r.choice(0..<37)) }
        case "shuffle":
            var items = Array(0..<10_000)
            r.shuffle(&items)
            return hash(items)
        case "uniform": return hash { r.uniform(-3.5, 2.25).bitPattern }
        case "gauss": return hash { r.gauss().bitPattern }
        default: throw RandomArgumentError("test", "no stream '\(method)'")
        }
    }

    @Test func randomStateStreamsAreFrozen() throws {
        for row in Self.randomState {
            #expect(try Self.streamHash(randomState: row.method, seed: row.seed) == row.hash, "\(row.method) seed \(row.seed)")
        }
    }

    @Test func pythonStreamsAreFrozen() throws {
        for row in Self.python {
            #expect(try Self.streamHash(python: row.method, seed: row.seed) == row.hash, "\(row.method) seed \(row.seed)")
        }
    }

    struct Row: Decodable {
        let method: String
        let seed: String
        let hash: String
    }

    struct File: Decodable {
        let rows: [Row]
    }

    /// The pinned literals are the hashes the reference script computed from numpy's and CPython's outputs.
    @Test func literalsAreTheReferenceHashes() throws {
        let numpy = try Vectors.load("legacy_stability", as: File.self).rows
        #expect(numpy.map { "\($0.method) \($0.seed) \($0.hash)" }
            == Self.randomState.map { "\($0.method) \($0.seed) \(Self.hex($0.hash))" })
        let cpython = try Vectors.load("python_stability", as: File.self).rows
        #expect(cpython.map { "\($0.method) \($0.seed) \($0.hash)" }
            == Self.python.map { "\($0.method) \($0.seed) \(Self.hex($0.hash))" })
    }

    static func hex(_ value: UInt64) -> String {
        let digits = String(value, radix: 16)
        return "0x" + String(repeating: "0", count: 16 - digits.count) + digits
    }
}
