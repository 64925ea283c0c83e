import Foundation
import Testing

/// Runs the built `repro` executable: its output for every algorithm and draw against the text
/// numpy and CPython print (`scripts/reference_cli.py`), and its errors for bad input.
@Suite struct RngCommandTests {
    struct Command: Decodable { let args: [String]; let stdout: String }
    struct File: Decodable { let commands: [Command] }

    static let commands: [Command] = {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("ReproRandomTests/Vectors/cli.json")
        return try! JSONDecoder().decode(File.self, from: Data(contentsOf: url)).commands
    }()

    @Test(arguments: commands.indices)
    func printsWhatNumpyAndCPythonPrint(_ index: Int) throws {
        let command = Self.commands[index]
        let result = try Repro.run(command.args)
        #expect(result.status == 0, "repro \(command.args.joined(separator: " ")): \(result.stderr)")
        #expect(result.stdout == command.stdout, "repro \(command.args.joined(separator: " "))")
    }

    /// Each bad input exits 2 with a message that says what is accepted.
    @Test(arguments: [
        (["rng", "nosuch", "--seed", "1", "--draw", "random"], "pcg64"),
        (["rng", "pcg64", "--seed", "-1", "--draw", "random"], "non-negative integer"),
        (["rng", "pcg64", "--seed", "12x", "--draw", "random"], "non-negative integer"),
        (["rng", "pcg64", "--draw", "random"], "--seed"),
        (["rng", "pcg64", "--seed", "1", "--draw", "gamma"], "random"),
        (["rng", "randomstate", "--seed", "4294967296", "--draw", "random"], "2**32 - 1"),
        (["rng", "randomstate", "--seed", "1", "--draw", "float32"], "available: raw, random"),
        (["rng", "python", "--seed", "1", "--draw", "permutation"], "available:"),
        (["rng", "pcg64", "--seed", "1", "--draw", "integers", "--low", "5", "--high", "5"], "low"),
        (["rng", "pcg64", "--seed", "1", "--draw", "integers"], "--high"),
        (["rng", "pcg64", "--seed", "1", "--draw", "integers", "--high", "1e3"], "64-bit integer"),
        (["rng", "pcg64", "--seed", "1", "--draw", "random", "--count", "-3"], "non-negative"),
        (["rng", "pcg64", "--seed", "1", "--draw", "random", "--count", "ten"], "count"),
        (["rng", "pcg64", "--seed", "1", "--draw", "random", "--low", "3"], "only to integers and uniform"),
        (["rng", "python", "--seed", "1", "--draw", "integers", "--low", "3", "--high", "3"], "empty range"),
        (["nosuch"], "nosuch"),
    ])
    func badInputExitsTwo(_ args: [String], _ mention: String) throws {
        let result = try Repro.run(args)
        #expect(result.status == 2, "repro \(args.joined(separator: " ")) exited \(result.status)")
        #expect(result.stderr.contains(mention), "repro \(args.joined(separator: " ")): \(result.stderr)")
        #expect(result.stdout.isEmpty)
    }

    @Test func helpListsEveryAlgorithmAndExitsZero() throws {
        let result = try Repro.run(["rng", "--help"])
        #expect(result.status == 0)
        for name in ["pcg64", "pcg64dxsm", "philox", "sfc64", "mt19937", "randomstate", "python"] {
            #expect(result.stdout.contains(name))
        }
    }
}

/// Runs the `repro` executable built next to the test bundle.
enum Repro {
    struct Result { let status: Int32; let stdout: String; let stderr: String }

    static let executable = executable(named: "repro")

    /// The executable `name` of this package (`repro`, `own-model`) built next to the test bundle.
    static func executable(named name: String) -> URL {
        let products = Bundle.main.bundleURL
        let candidate = products.appendingPathComponent(name)
        if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
        return products.deletingLastPathComponent().appendingPathComponent(name)
    }

    static func run(_ arguments: [String]) throws -> Result {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Result(status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
                      stderr: String(decoding: stderr, as: UTF8.self))
    }
}
