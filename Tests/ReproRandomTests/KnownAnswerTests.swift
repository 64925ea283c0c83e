import Testing
@testable import ReproRandom

/// Known answers quoted in `shared/reference/numpy-random-facts.md` (numpy 2.4, CPython 3.11).
@Suite struct KnownAnswerTests {
    @Test func seedSequence42() {
        let seq = SeedSequence(42)
        #expect(seq.pool == [0x631d_3606, 0x07ae_90ae, 0x6fc4_be28, 0x2ced_5c75])
        #expect(seq.generateState(count: 4) == [3_444_837_047, 2_669_555_309, 2_046_530_742, 3_581_440_988])
        #expect(seq.generateState64(count: 2) == [0x9f1e_2e6d_cd54_0ab7, 0xd578_73dc_79fb_94b6])
        var parent = seq
        let children = parent.spawn(2)
        #expect(children[0].generateState(count: 4) == [2_684_470_948, 3_757_501_821, 1_691_896_351, 1_126_406_280])
        #expect(children[1].generateState(count: 4) == [4_091_952_314, 31_242_083, 366_899_054, 1_794_014_678])
        #expect(parent.childrenSpawned == 2)
        #expect(SeedSequence(0).generateState(count: 4) == [2_968_811_710, 3_677_149_159, 745_650_761, 2_884_920_346])
    }

    @Test func pcg64() {
        var g = PCG64(seed: 42)
        #expect(g.lcg.state == 0xcea4_4f67_9879_8f2a_acbc_7c9d_6886_0ac8)
        #expect(g.lcg.increment == 0xfa50_5436_c9a8_416e_66ca_f2e2_8d25_abff)
        #expect([g.next(), g.next(), g.next()] == [0xc621_fbcd_16d9_2688, 0x705a_5661_a791_ffc1, 0xdbcd_12c2_6eda_1624])
    }

    @Test func pcg64dxsm() {
        var g = PCG64DXSM(seed: 42)
        #expect([g.next(), g.next()] == [0xab1c_5033_8e63_481d, 0x01bd_f91d_548d_1872])
    }

    @Test func philox() {
        var g = Philox(seed: 42)
        #expect([g.next(), g.next()] == [0x1609_2f00_ecda_b98a, 0x243d_19cc_2402_1070])
        #expect(Philox4x64.block(counter: .zero, key: .zero)
            == SIMD4(0x1655_4d9e_ca36_314c, 0xdb20_fe9d_672d_0fdc, 0xd7e7_72ce_e186_176b, 0x7e68_b68a_ec7b_a23b))
    }

    @Test func sfc64() {
        var g = SFC64(seed: 42)
        #expect([g.next(), g.next()] == [0x87a9_e37f_3ed2_c19d, 0x60d4_edb7_6d65_1052])
    }

    @Test func mt19937InitGenrand() {
        var g = MT19937(legacySeed: 5489)
        #expect([g.nextUInt32(), g.nextUInt32(), g.nextUInt32()] == [3_499_211_612, 581_869_302, 3_890_346_734])
        for _ in 3..<9999 { _ = g.nextUInt32() }
        #expect(g.nextUInt32() == 4_123_659_995)
    }

    @Test func legacyAndCPythonDoubles() {
        var legacy = MT19937(legacySeed: 42)
        #expect([legacy.nextDouble(), legacy.nextDouble(), legacy.nextDouble()]
            == [0.3745401188473625, 0.9507143064099162, 0.7319939418114051])
        var cpython = MT19937(initByArray: [42])
        #expect([cpython.nextDouble(), cpython.nextDouble(), cpython.nextDouble()]
            == [0.6394267984578837, 0.025010755222666936, 0.27502931836911926])
    }
}
