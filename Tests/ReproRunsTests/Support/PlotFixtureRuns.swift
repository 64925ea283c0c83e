import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import ReproData
import ReproRandom
import ReproTensor
@testable import ReproAnalysis
@testable import ReproRuns

/// Finished (and unfinished) run directories written in-process with the library's own types, for
/// the plot and report tests: no training, a few milliseconds each.
enum PlotFixtureRun {
    /// A fixed environment fingerprint; `threadCount` and `cpuModel` can vary.
    static func environment(threadCount: Int = 2, cpuModel: String = "Test CPU") -> EnvironmentFingerprint {
        EnvironmentFingerprint(reproVersion: ReproLibrary.version, reproRevision: "0123456789abcdef0123456789abcdef01234567",
                               swiftCompiler: "6.3", buildConfiguration: "debug",
                               architecture: "x86_64", machine: "x86_64", osName: "Linux", kernelRelease: "6.0",
                               osDistribution: "Test Linux", libc: "glibc 2.36", cpuModel: cpuModel, cpuFeatures: ["avx2", "fma"],
                               logicalCores: 2, availableCores: 2, environment: [:], gitCommit: nil, gitDirty: nil,
                               threadCount: threadCount, workerCount: 0)
    }

    /// Writes a finished run at `path`: `losses` at steps 1, 2, …; `accuracies` (fractions) at
    /// every `evalEvery`-th step; `model` as the weights file; a manifest with its digest.
    @discardableResult
    static func write(at path: String, seed: UInt64 = 42, losses: [Float], accuracies: [Double], evalEvery: Int = 5,
                      model: [UInt8] = [1, 2, 3, 4], threadCount: Int = 2, cpuModel: String = "Test CPU") throws -> RunManifest {
        let seedRecord = SeedRecord(seed: seed, drawn: false, deterministicHashing: false)
        let configuration = TrainingConfiguration(seed: seed, task: TaskRecord(name: "test"))
        let start = RunDirectory.Start(configuration: configuration, seed: seedRecord, startedAt: "2026-01-01T00:00:00Z",
                                       metrics: ["accuracy"])
        let directory = try RunDirectory.create(at: path, start: start)
        var metrics = try MetricsLog.open(at: directory.metricsFile)
        for (index, loss) in losses.enumerated() {
            try metrics.stage(step: index + 1, [.int(0), .float(loss), .double(0.05)])
        }
        try metrics.flush()
        var evaluations = try MetricsLog.open(at: directory.evalFile)
        for (index, accuracy) in accuracies.enumerated() {
            try evaluations.stage(step: (index + 1) * evalEvery, [.int(0), .float(Float(1 - accuracy)), .double(accuracy)])
        }
        try evaluations.flush()
        try AtomicFile.write(model, to: directory.modelFile)
        let (digest, files) = try RunDigest.compute(directory: path)
        let manifest = RunManifest(
            seed: seedRecord, configuration: configuration, determinism: .strict,
            environment: environment(threadCount: threadCount, cpuModel: cpuModel),
            startedAt: "2026-01-01T00:00:00Z", finishedAt: "2026-01-01T00:01:00Z", resumedFromSteps: [],
            finalMetrics: .init(steps: losses.count, epochs: 1, trainLoss: losses.last ?? .nan,
                                validationLoss: Float(1 - (accuracies.last ?? 0)),
                                validationMetrics: ["accuracy": accuracies.last ?? 0]),
            digest: digest, files: files)
        try AtomicFile.write(try manifest.encoded(), to: directory.manifestFile)
        return manifest
    }

    /// A run that was started and never finished (run.json and logs, no manifest).
    static func writeUnfinished(at path: String) throws {
        let start = RunDirectory.Start(configuration: TrainingConfiguration(seed: 1, task: TaskRecord(name: "test")),
                                       seed: SeedRecord(seed: 1, drawn: false, deterministicHashing: false),
                                       startedAt: "2026-01-01T00:00:00Z")
        _ = try RunDirectory.create(at: path, start: start)
    }

    /// A decreasing, slightly noisy loss curve of `count` steps; `wiggle` changes the noise.
    static func losses(_ count: Int, wiggle: Float = 0) -> [Float] {
        (0..<count).map { step in
            let t = Float(step)
            return 2.3 * (0.97 as Float).power(t) + 0.05 + 0.02 * Float((step * 7 + Int(wiggle * 10)) % 5) / 5
        }
    }
}

extension Float {
    /// `self` to the power `exponent` by repeated multiplication (exact and platform-independent
    /// for these small test curves).
    func power(_ exponent: Float) -> Float {
        var result: Float = 1
        for _ in 0..<Int(exponent) { result *= self }
        return result
    }
}

/// An element of a parsed SVG document: its name, attributes, text, and the classes of its
/// enclosing elements (innermost last).
struct ParsedElement {
    let name: String
    let attributes: [String: String]
    var text: String
    let enclosingClasses: [String]

    /// The element's class attribute, or empty.
    var classes: String { attributes["class"] ?? "" }
    /// Whether `class` is among the enclosing elements' class attributes (each split at spaces).
    func isInside(_ className: String) -> Bool {
        enclosingClasses.contains { $0.split(separator: " ").contains(Substring(className)) }
    }
}

/// Parses `text` as XML with Foundation's `XMLParser`; nil (and the error) when it is not well-formed.
final class XMLCollector: NSObject, XMLParserDelegate {
    private(set) var elements: [ParsedElement] = []
    private var stack: [(index: Int, classes: String)] = []
    private(set) var error: Error?

    static func parse(_ text: String) -> (elements: [ParsedElement], error: Error?) {
        let collector = XMLCollector()
        let parser = XMLParser(data: Data(text.utf8))
        parser.delegate = collector
        let ok = parser.parse()
        return (collector.elements, ok ? nil : (parser.parserError ?? collector.error ?? CocoaError(.fileReadCorruptFile)))
    }

    func parser(_ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?, qualifiedName: String?,
                attributes: [String: String] = [:]) {
        elements.append(ParsedElement(name: elementName, attributes: attributes, text: "",
                                      enclosingClasses: stack.map(\.classes)))
        stack.append((elements.count - 1, attributes["class"] ?? ""))
    }

    func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName: String?) {
        stack.removeLast()
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        if let top = stack.last { elements[top.index].text += string }
    }

    func parser(_ parser: XMLParser, parseErrorOccurred parseError: Error) { error = parseError }
}

/// The `repro` executable built next to the test bundle (`swift build` or `swift test` builds it).
enum ReproExecutable {
    struct Result { let status: Int32; let stdout: String; let stderr: String }

    static let url: URL = {
        let products = Bundle.main.bundleURL
        let candidate = products.appendingPathComponent("repro")
        if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
        return products.deletingLastPathComponent().appendingPathComponent("repro")
    }()

    static var exists: Bool { FileManager.default.isExecutableFile(atPath: url.path) }

    static func run(_ arguments: [String]) throws -> Result {
        let process = Process()
        process.executableURL = url
        process.arguments = arguments
        let out = Pipe(), err = Pipe()
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
