import Foundation
import Testing
@testable import ReproRandom

/// The generated `ZigguratTables.swift` holds exactly numpy's bit patterns
/// (`scripts/data/numpy-ziggurat-tables.json`) and numpy's decimal constants rounded to nearest.
@Suite struct ZigguratTablesTests {
    struct TableFile: Decodable {
        let tables: [String: Table]
        struct Table: Decodable { let bits: [String] }
    }

    static let file: TableFile = {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("scripts/data/numpy-ziggurat-tables.json")
        return try! JSONDecoder().decode(TableFile.self, from: Data(contentsOf: url))
    }()

    static func bits(_ name: String) -> [UInt64] { file.tables[name]!.bits.map(hex64) }

    @Test func tablesAreNumpysBitPatterns() {
        #expect(ZigguratTables.kiDouble == Self.bits("ki_double"))
        #expect(ZigguratTables.wiDouble.map(\.bitPattern) == Self.bits("wi_double"))
        #expect(ZigguratTables.fiDouble.map(\.bitPattern) == Self.bits("fi_double"))
        #expect(ZigguratTables.kiFloat.map(UInt64.init) == Self.bits("ki_float"))
        #expect(ZigguratTables.wiFloat.map { UInt64($0.bitPattern) } == Self.bits("wi_float"))
        #expect(ZigguratTables.fiFloat.map { UInt64($0.bitPattern) } == Self.bits("fi_float"))
        #expect(ZigguratTables.keDouble == Self.bits("ke_double"))
        #expect(ZigguratTables.weDouble.map(\.bitPattern) == Self.bits("we_double"))
        #expect(ZigguratTables.feDouble.map(\.bitPattern) == Self.bits("fe_double"))
        #expect(ZigguratTables.keFloat.map(UInt64.init) == Self.bits("ke_float"))
        #expect(ZigguratTables.weFloat.map { UInt64($0.bitPattern) } == Self.bits("we_float"))
        #expect(ZigguratTables.feFloat.map { UInt64($0.bitPattern) } == Self.bits("fe_float"))
    }

    /// numpy's literals from `ziggurat_constants.h`; Swift's `Double(_:)`/`Float(_:)` parsers round
    /// correctly, as the C compiler does.
    @Test func constantsAreNumpysLiterals() {
        let r = "3.6541528853610087963519472518"
        let inverse = "0.27366123732975827203338247596"
        let exponential = "7.6971174701310497140446280481"
        #expect(ZigguratTables.normalRadius == Double(r)!)
        #expect(ZigguratTables.normalRadiusFloat == Float(r)!)
        #expect(ZigguratTables.normalInverseRadius == Double(inverse)!)
        #expect(ZigguratTables.normalInverseRadiusFloat == Float(inverse)!)
        #expect(ZigguratTables.exponentialRadius == Double(exponential)!)
        #expect(ZigguratTables.exponentialRadiusFloat == Float(exponential)!)
    }
}
