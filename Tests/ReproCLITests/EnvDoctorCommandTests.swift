import Foundation
import Testing

/// `repro env` and `repro doctor` through the built binary.
@Suite struct EnvDoctorCommandTests {
    /// `HashSeeding.reexecuteWithDeterministicHashing()` really restarts the process with the
    /// variable set: the re-executed `repro env` reports it.
    @Test func reexecutionTurnsOnDeterministicHashing() async throws {
        try await withScratch("reexec") { scratch in
            let environment = Repro.environment(["SWIFT_DETERMINISTIC_HASHING": nil])
            let plain = try await Repro.run(["env"], environment: environment, logs: scratch.file("plain"))
            #expect(plain.status == 0 && plain.stdout.contains("deterministicHashing: false"), "\(plain.summary)")
            let again = try await Repro.run(["env", "--deterministic-hashing"], environment: environment,
                                            logs: scratch.file("again"))
            #expect(again.status == 0, "\(again.summary)")
            #expect(again.stdout.contains("deterministicHashing: true"))
            #expect(again.stdout.contains("environment.SWIFT_DETERMINISTIC_HASHING: 1"))
        }
    }

    @Test func doctorStrictExitsOneOnAHazardAndJSONDecodes() async throws {
        try await withScratch("doctor") { scratch in
            let environment = Repro.environment(["SWIFT_DETERMINISTIC_HASHING": nil])
            let doctor = try await Repro.run(["doctor", "--strict"], environment: environment, logs: scratch.file("doctor"))
            #expect(doctor.status == 1, "\(doctor.summary)")
            #expect(doctor.stdout.contains("hazard: random hash seed") && doctor.stdout.contains("fix: "))
            let json = try await Repro.run(["env", "--json"], logs: scratch.file("json"))
            let object = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any]
            #expect(object?["swiftCompiler"] != nil && object?["cpuFeatures"] != nil)
            let missing = try await Repro.run(["doctor", scratch.file("no-such-run")], logs: scratch.file("missing"))
            #expect(missing.status == 2 && missing.stderr.contains("no-such-run"), "\(missing.summary)")
        }
    }
}
