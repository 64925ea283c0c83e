import Testing
@testable import ReproRandom

/// The stability guard: the FNV-1a ``StreamHash`` of the first 10,000 outputs of every
/// distribution over every bit generator, for seeds 0, 42 and 2^64 − 1.
///
/// These numbers are numpy 2.4's own (printed by `scripts/reference_generator.py`, which hashes
/// numpy's outputs; the test also checks them against `Vectors/generator_stability.json`).
/// **Changing any of them is a breaking change**: Repro promises that a seed gives the same stream in
/// every release, so a failure here means a stream changed, not that the table needs updating.
@Suite struct GeneratorStabilityTests {
    static let seeds: [UInt64] = [0, 42, .max]
    static let count = 10_000

    /// (bit generator, distribution, hashes for `seeds`), frozen.
    static let pinned: [(bitGenerator: String, distribution: String, hashes: [UInt64])] = [
        ("PCG64", "random", [0x318f_6c39_e181_7508, 0xe23d_7c5e_9399_2095, 0x8b31_5862_eb61_0f1c]),
        ("PCG64", "randomFloat", [0x9dc0_5db8_5796_99c0, 0xf480_c3aa_2db5_7863, 0xa1d5_2585_4fac_d36f]),
        ("PCG64", "uniform(-3, 5)", [0xc6bf_5e0d_1076_fe15, 0xfc9d_885d_9239_a889, 0x9059_ff11_5901_71f0]),
        ("PCG64", "integers(0, 1000)", [0x4601_858e_5c1b_6b93, 0x1420_2171_8f4e_b5c0, 0x4bbd_a4fd_3699_a424]),
        ("PCG64", "integers(-2^40, 2^40)", [0x33ef_ddd1_7581_ec12, 0xe16a_b9c3_80c0_5c82, 0x4849_3e92_32e0_826b]),
        ("PCG64", "integers(full, endpoint)", [0xa9e2_6564_12be_4b60, 0xdc2a_16fa_7c72_7e36, 0x3e13_db62_bf8a_c44a]),
        ("PCG64", "standardNormal", [0x34c9_0ea2_991a_fc2d, 0x16b9_f021_21ee_bb2b, 0x072c_6072_bb09_2221]),
        ("PCG64", "standardNormalFloat", [0x89d1_ef1f_5cc2_f454, 0x47be_96d1_2544_d1fd, 0x02f0_6ecf_af9d_fa54]),
        ("PCG64", "normal(10, 2.5)", [0x01b3_4d49_f2c2_2606, 0x598d_b6f3_e60a_ed59, 0x8dfc_3eae_7ebd_d5a8]),
        ("PCG64", "standardExponential", [0x4ae7_2836_6f5e_10ca, 0x86e3_40e6_7cfe_76c6, 0x601d_47e0_0a1c_6a04]),
        ("PCG64", "standardExponentialFloat", [0xc092_6a86_1bf1_c59c, 0x7526_0a20_be2a_0377, 0x4034_add1_8591_c331]),
        ("PCG64", "exponential(0.5)", [0x0e2c_1b87_5c55_4c86, 0x3a8f_2a65_af82_a4f0, 0x8885_e285_b6b0_ea39]),
        ("PCG64", "permutation(10000)", [0x3aeb_3513_3a36_2549, 0xec07_f865_bba6_8fa9, 0x7357_6b99_af32_08ed]),
        ("PCG64", "shuffle(10000)", [0x3aeb_3513_3a36_2549, 0xec07_f865_bba6_8fa9, 0x7357_6b99_af32_08ed]),
        ("PCG64", "choice(1000000, 10000)", [0x568f_6d87_9833_bd70, 0x6bb5_f28b_5e20_9f27, 0x266f_da06_d9e4_87a2]),
        ("PCG64", "choice(20000, 10000, replace: false)", [0x5a42_2c11_2a47_bc1b, 0x93a2_1067_72d7_6bca, 0xe5cb_561f_9c9a_2cb5]),
        ("PCG64", "choice(1000000, 10000, replace: false)", [0x2ecf_b545_2ec2_4d14, 0xdc85_bb72_7364_45b5, 0xf9a3_13a0_f90d_cb66]),
        ("PCG64DXSM", "random", [0xc78b_9090_3cb9_8b39, 0x1fb4_ebd3_292f_d10f, 0x46f3_3341_4064_87c4]),
        ("PCG64DXSM", "randomFloat", [0x4a78_f2c7_2fb0_1043, 0x7b78_9f58_23d8_6059, 0x7b50_6477_ae55_52da]),
        ("PCG64DXSM", "uniform(-3, 5)", [0x8f2a_27fc_5c8e_307a, 0xa096_4a8a_3a34_895a, 0x4cac_13c8_b3a7_0d9c]),
        ("PCG64DXSM", "integers(0, 1000)", [0xc919_e72c_d877_2c94, 0x21a6_3b99_d28b_077c, 0x622d_54be_e10b_92eb]),
        ("PCG64DXSM", "integers(-2^40, 2^40)", [0x04b7_b598_fd43_2849, 0x5d77_41a2_f0b0_19b3, 0xf134_1e3f_0627_f93b]),
        ("PCG64DXSM", "integers(full, endpoint)", [0xe59f_bb9e_282a_c8ac, 0xbc6e_9a11_e05e_fdec, 0x0123_e52d_dec5_fdf0]),
        ("PCG64DXSM", "standardNormal", [0xa4c6_2cbf_4e2d_3ec1, 0xcc4f_639b_0827_a884, 0x7046_5906_3319_c79c]),
        ("PCG64DXSM", "standardNormalFloat", [0xf06f_23f8_23c1_c2a9, 0x5aec_3707_0454_005b, 0xcd60_12c8_424a_a3b1]),
        ("PCG64DXSM", "normal(10, 2.5)", [0xe411_7f96_a56c_155c, 0x5b2e_e40d_d98f_8363, 0x3cf0_1316_57af_6e97]),
        ("PCG64DXSM", "standardExponential", [0x0459_345e_db81_4365, 0x8e5d_0528_916e_ccd1, 0xee3d_a30f_938e_cbfd]),
        ("PCG64DXSM", "standardExponentialFloat", [0x635f_0444_eb43_82dc, 0xc786_fa97_cca6_2f59, 0xf89f_6cd8_2597_d292]),
        ("PCG64DXSM", "exponential(0.5)", [0x7d1b_3c93_5bc3_4295, 0xc547_81e4_de38_e0f4, 0x23c4_966a_5245_3135]),
        ("PCG64DXSM", "permutation(10000)", [0x4f54_3055_8472_acb5, 0x26a5_0f95_cdf7_3fe9, 0x41e7_44c3_9532_3f85]),
        ("PCG64DXSM", "shuffle(10000)", [0x4f54_3055_8472_acb5, 0x26a5_0f95_cdf7_3fe9, 0x41e7_44c3_9532_3f85]),
        ("PCG64DXSM", "choice(1000000, 10000)", [0x65ec_4cc3_ea13_4839, 0x4c02_7fd2_f9bf_f17b, 0x3be9_e285_5533_cd06]),
        ("PCG64DXSM", "choice(20000, 10000, replace: false)", [0xd3a7_633c_bf97_cb17, 0x123d_23f5_5c9d_05f2, 0x195e_73a9_18cb_6012]),
        ("PCG64DXSM", "choice(1000000, 10000, replace: false)", [0xab27_14fb_4b74_ac06, 0xddb6_495f_56e8_f519, 0x9a51_2173_5080_c5fd]),
        ("Philox", "random", [0x46b0_e9bd_9ec4_ec50, 0x80d9_0256_9f1a_141d, 0xce98_2351_afdf_2bad]),
        ("Philox", "randomFloat", [0xe116_4d72_35db_26ce, 0xd85f_ecb0_1a5a_7e83, 0x298d_ffe1_9077_564b]),
        ("Philox", "uniform(-3, 5)", [0xd72a_7fbd_ee99_5deb, 0x62d0_4281_63bd_2f2b, 0xc3e6_9389_ec7c_6668]),
        ("Philox", "integers(0, 1000)", [0x31f0_2f53_f3a7_8e0d, 0x9ce9_7d12_871a_ada2, 0x1b50_e3c8_2863_f499]),
        ("Philox", "integers(-2^40, 2^40)", [0x8976_d9fe_51f4_161f, 0x4bcc_6be0_5f79_72d1, 0x4bca_b75e_ff2d_45ae]),
        ("Philox", "integers(full, endpoint)", [0x9b45_5750_1d59_8a06, 0x3327_290e_5f10_8f99, 0x2e6f_5db1_9d51_b1b5]),
        ("Philox", "standardNormal", [0xa766_3c84_56d0_a146, 0x92eb_94b1_2840_a364, 0xbb78_9483_2781_0cd1]),
        ("Philox", "standardNormalFloat", [0xa04c_deaf_85c0_e62b, 0x9074_22a3_13bf_2010, 0x1387_0f51_ab02_4e72]),
        ("Philox", "normal(10, 2.5)", [0xf192_bf0b_3dde_573b, 0xd068_16ca_afb5_72ec, 0xc5a8_5496_43b0_8f7b]),
        ("Philox", "standardExponential", [0xfa39_9e69_e019_b0fa, 0xfac2_0395_cb1b_03e4, 0xec26_9900_d6ab_24bf]),
        ("Philox", "standardExponentialFloat", [0x69cb_a0d8_681f_0bb1, 0xc36e_c1a5_dd28_8f48, 0x0aeb_78f0_5b6a_99a6]),
        ("Philox", "exponential(0.5)", [0x926a_760c_57d7_566f, 0xdc98_019a_e46b_60c6, 0x2e54_76bb_33aa_76da]),
        ("Philox", "permutation(10000)", [0xa167_593e_f92c_8c5d, 0x3fe2_e5a7_9669_a66d, 0x323e_0c85_17c8_dda1]),
        ("Philox", "shuffle(10000)", [0xa167_593e_f92c_8c5d, 0x3fe2_e5a7_9669_a66d, 0x323e_0c85_17c8_dda1]),
        ("Philox", "choice(1000000, 10000)", [0x3d98_2369_297a_eee1, 0xfe28_bce5_b18d_999e, 0xc185_7dab_30b1_6ca2]),
        ("Philox", "choice(20000, 10000, replace: false)", [0x3c4d_97ad_ac95_22c3, 0x5a40_ffda_af4b_60a9, 0xf0a2_a347_92a7_44c3]),
        ("Philox", "choice(1000000, 10000, replace: false)", [0x90bd_b3bd_7bba_5f25, 0x6d76_63a4_98b2_c232, 0x050e_6790_d26f_0e9f]),
        ("SFC64", "random", [0xd0eb_cab8_de20_2a79, 0xe32e_9162_b458_4c88, 0x4ba1_fed1_4f74_5ae1]),
        ("SFC64", "randomFloat", [0x2329_5d4a_8ed6_9f8e, 0x63fe_0de6_ca3d_c67b, 0x8513_5887_8b42_4fe9]),
        ("SFC64", "uniform(-3, 5)", [0xe183_e824_9178_79b6, 0x72e6_ee65_c06b_f022, 0x57b5_b883_e2fb_9054]),
        ("SFC64", "integers(0, 1000)", [0x54e7_a419_b8fc_89bb, 0xe0d7_b35e_045f_6812, 0x483f_7690_cb1c_53d5]),
        ("SFC64", "integers(-2^40, 2^40)", [0xab38_3e93_7358_07dc, 0x5dbd_fe46_714b_5186, 0xed6d_b759_211b_5337]),
        ("SFC64", "integers(full, endpoint)", [0x7768_12b5_0881_c021, 0x4084_44e6_90dd_4007, 0x1c8f_e8f7_09a1_6add]),
        ("SFC64", "standardNormal", [0x2295_c78d_50cc_f2b4, 0x49c9_c133_4939_0fff, 0xb5aa_544b_e08a_56e9]),
        ("SFC64", "standardNormalFloat", [0x53c0_f9aa_e880_c570, 0xe2d2_7afd_d5cd_2f7d, 0xe764_277e_48f7_bade]),
        ("SFC64", "normal(10, 2.5)", [0x65cd_bbcc_5a2f_2faf, 0xd23d_99b8_6e18_19e4, 0x1822_44e7_d270_712d]),
        ("SFC64", "standardExponential", [0x276b_ea7a_17c2_4c63, 0xb480_56f7_6ba4_05c4, 0xba3b_313e_6e8e_d46b]),
        ("SFC64", "standardExponentialFloat", [0xdf3f_77f1_783a_8745, 0x2aae_998e_5b9b_d4f4, 0x2b13_1539_8dcb_0bbf]),
        ("SFC64", "exponential(0.5)", [0xcf01_fcdb_d544_7cb6, 0x7b4a_6139_9132_f144, 0xa22d_1850_0699_c12e]),
        ("SFC64", "permutation(10000)", [0x36ad_6d5f_e64f_869d, 0x2433_6038_756c_89b9, 0x93d7_86d4_e4f9_9559]),
        ("SFC64", "shuffle(10000)", [0x36ad_6d5f_e64f_869d, 0x2433_6038_756c_89b9, 0x93d7_86d4_e4f9_9559]),
        ("SFC64", "choice(1000000, 10000)", [0x09c7_ae78_0f91_9c68, 0xa141_6a75_38ba_db2c, 0xfd87_f2bb_bd1b_054a]),
        ("SFC64", "choice(20000, 10000, replace: false)", [0x5181_dd48_f642_3d64, 0x5c14_fbab_a366_4149, 0x9bd9_b66c_6d9b_6ccd]),
        ("SFC64", "choice(1000000, 10000, replace: false)", [0xef5d_9d2e_684f_fed5, 0x4cfc_330c_f165_3842, 0xf7c0_0e36_2a8d_eaa0]),
        ("MT19937", "random", [0x0b23_6fd4_987e_7150, 0xfaf7_4aed_d53e_977a, 0x1d0a_560b_c08a_5e9a]),
        ("MT19937", "randomFloat", [0xcdbb_5276_965a_8850, 0x44e1_ec0d_e723_d32c, 0x8609_6733_2785_794c]),
        ("MT19937", "uniform(-3, 5)", [0xfca5_610b_60d4_6e4f, 0xba50_8b6b_ec7b_db38, 0xaafc_c425_a610_5bed]),
        ("MT19937", "integers(0, 1000)", [0xc874_c71e_bbfa_d92f, 0xcc13_ff6d_6568_56d1, 0x1fd0_6189_e3f6_355e]),
        ("MT19937", "integers(-2^40, 2^40)", [0x32de_6697_262d_762b, 0xe269_dab7_ae79_e85a, 0x1d38_656d_2b64_ccd6]),
        ("MT19937", "integers(full, endpoint)", [0x2768_1c12_2eae_6a33, 0xcd0a_8a23_1923_9ff4, 0xa40a_1127_9b1e_ab7d]),
        ("MT19937", "standardNormal", [0x78ba_56e9_5bfb_bffc, 0x0a0d_7519_864b_c5a6, 0x280c_600f_c514_27d9]),
        ("MT19937", "standardNormalFloat", [0x8154_206f_b3bc_01d7, 0x7aea_e601_f4af_b84a, 0xc76e_42c4_2194_aa2b]),
        ("MT19937", "normal(10, 2.5)", [0x3e4e_d0d6_2708_382f, 0x35f8_b74a_9202_6225, 0x32ac_c119_9f9d_f981]),
        ("MT19937", "standardExponential", [0x70fe_6f3c_d6a1_0271, 0x9c42_9310_4c79_7cfd, 0x176d_e86e_afeb_3205]),
        ("MT19937", "standardExponentialFloat", [0x7ecf_0fb2_785c_3aad, 0x9044_9c81_4a26_97f1, 0xafa3_4c4f_ad04_5bf4]),
        ("MT19937", "exponential(0.5)", [0x3402_d19c_d74c_5c08, 0x8b53_334c_a924_d170, 0x8861_f482_9ff4_81a4]),
        ("MT19937", "permutation(10000)", [0x14cd_2f5d_0e36_0fb9, 0x8a2d_6ddb_eebf_a5f5, 0xd60e_1753_9764_2091]),
        ("MT19937", "shuffle(10000)", [0x14cd_2f5d_0e36_0fb9, 0x8a2d_6ddb_eebf_a5f5, 0xd60e_1753_9764_2091]),
        ("MT19937", "choice(1000000, 10000)", [0xc065_7b17_a72a_3b83, 0x1f10_d48c_c870_bada, 0x21d1_00a5_4a03_b384]),
        ("MT19937", "choice(20000, 10000, replace: false)", [0xe8ba_af3e_7767_03df, 0x45ec_58f3_3584_747c, 0xcf69_5022_fc61_d26a]),
        ("MT19937", "choice(1000000, 10000, replace: false)", [0x0204_e819_3968_393b, 0xc301_405c_6f49_f205, 0x7337_f765_7025_f0a3]),
    ]

    @Test(arguments: pinned.indices)
    func streamIsFrozen(entry: Int) throws {
        let (name, distribution, hashes) = Self.pinned[entry]
        let actual = try Self.hashes(distribution, type: seededBitGenerator(named: name))
        #expect(actual == hashes, "\(name) \(distribution)")
    }

    /// The pinned literals are numpy's: they equal the hashes the script computed over numpy's outputs.
    @Test func pinnedHashesAreNumpys() throws {
        let file = try Vectors.load("generator_stability", as: StabilityFile.self)
        #expect(file.count == Self.count && file.seeds == Self.seeds.map(String.init))
        #expect(file.entries.count == Self.pinned.count)
        for (entry, pinned) in zip(file.entries, Self.pinned) {
            #expect(entry.bitGenerator == pinned.bitGenerator && entry.distribution == pinned.distribution)
            #expect(entry.hashes.map(hex64) == pinned.hashes, "\(pinned.bitGenerator) \(pinned.distribution)")
        }
    }

    /// Every distribution of the table is pinned for every bit generator.
    @Test func tableIsComplete() {
        for (name, _) in seededBitGenerators {
            let pinned = Self.pinned.filter { $0.bitGenerator == name }.map(\.distribution)
            #expect(pinned == Self.distributions, "\(name)")
        }
    }

    static let distributions = [
        "random", "randomFloat", "uniform(-3, 5)", "integers(0, 1000)", "integers(-2^40, 2^40)",
        "integers(full, endpoint)", "standardNormal", "standardNormalFloat", "normal(10, 2.5)",
        "standardExponential", "standardExponentialFloat", "exponential(0.5)", "permutation(10000)",
        "shuffle(10000)", "choice(1000000, 10000)", "choice(20000, 10000, replace: false)",
        "choice(1000000, 10000, replace: false)",
    ]

    /// The hashes of `distribution`'s first 10,000 outputs for each of `seeds`.
    static func hashes<Bits: SeededBitGenerator>(_ distribution: String, type: Bits.Type) throws -> [UInt64] {
        try seeds.map { seed in
            var g = Generator(Bits(seed: seed))
            var hash = StreamHash()
            let n = count
            switch distribution {
            case "random": for _ in 0..<n { hash.add(g.random()) }
            case "randomFloat": for _ in 0..<n { hash.add(g.randomFloat()) }
            case "uniform(-3, 5)": for _ in 0..<n { hash.add(try g.uniform(low: -3, high: 5)) }
            case "integers(0, 1000)": for _ in 0..<n { hash.add(try g.integers(0, 1000)) }
            case "integers(-2^40, 2^40)": for _ in 0..<n { hash.add(try g.integers(-(1 << 40), 1 << 40)) }
            case "integers(full, endpoint)": for _ in 0..<n { hash.add(try g.integers(.min, .max, endpoint: true)) }
            case "standardNormal": for _ in 0..<n { hash.add(g.standardNormal()) }
            case "standardNormalFloat": for _ in 0..<n { hash.add(g.standardNormalFloat()) }
            case "normal(10, 2.5)": for _ in 0..<n { hash.add(try g.normal(mean: 10, standardDeviation: 2.5)) }
            case "standardExponential": for _ in 0..<n { hash.add(g.standardExponential()) }
            case "standardExponentialFloat": for _ in 0..<n { hash.add(g.standardExponentialFloat()) }
            case "exponential(0.5)": for _ in 0..<n { hash.add(try g.exponential(scale: 0.5)) }
            case "permutation(10000)": for value in try g.permutation(n) { hash.add(value) }
            case "shuffle(10000)":
                var values = Array(0..<n)
                g.shuffle(&values)
                for value in values { hash.add(value) }
            case "choice(1000000, 10000)": for value in try g.choice(1_000_000, size: n) { hash.add(value) }
            case "choice(20000, 10000, replace: false)":
                for value in try g.choice(20_000, size: n, replace: false) { hash.add(value) }
            case "choice(1000000, 10000, replace: false)":
                for value in try g.choice(1_000_000, size: n, replace: false) { hash.add(value) }
            default: fatalError("no distribution '\(distribution)'")
            }
            return hash.value
        }
    }

    struct StabilityFile: Decodable {
        let seeds: [String]
        let count: Int
        let entries: [Entry]
        struct Entry: Decodable {
            let bitGenerator: String
            let distribution: String
            let hashes: [String]
        }
    }
}
