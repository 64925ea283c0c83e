import Foundation

/// What about the machine, build and process can change a run's bits (docs/ARCHITECTURE.md §7), recorded in
/// every run manifest so that `repro compare` can name the differences between two runs.
///
/// `current(codeDirectory:threadCount:workerCount:)` fills it in. What it records and where from:
/// - `swiftCompiler`: the compiler that built ReproRuns, from a compile-time `#if compiler(>=…)`
///   chain, to the minor version (`6.3`). A program cannot run `swift --version` (the toolchain need
///   not be installed where it runs), and patch versions cannot be told apart at compile time.
/// - `buildConfiguration`: `debug` or `release`, from `#if DEBUG` as compiled *in the ReproRuns
///   module*. SwiftPM builds every module of a package with one configuration, so this is the
///   configuration of the whole build unless a build system mixes them.
/// - `architecture`: the architecture the binary was compiled for (`#if arch`); `machine`: the
///   one `uname` reports at run time (they differ under emulation).
/// - `cpuFeatures`: the SIMD and FMA features the CPU offers at run time (from `/proc/cpuinfo`),
///   limited to those that matter for kernels (`avx2`, `fma`, `avx512f`, …; `asimd`, `sve`, … on
///   arm64). Swift cannot tell at compile time which of them the build assumed (`-target-cpu`);
///   `REPRO_TARGET_CPU`, which chooses it in Package.swift, is recorded from the environment.
/// - `osName`, `kernelRelease` (`uname`), `osDistribution` (`PRETTY_NAME` of `/etc/os-release`),
///   `libc` (glibc's version; libm can change results of elementary functions), `cpuModel`
///   (`/proc/cpuinfo`), `logicalCores` (all online) and `availableCores` (those this process may use).
/// - `environment`: the variables that change hashing or thread counts, when set
///   (`relevantEnvironmentVariables`).
/// - `reproVersion` and `reproRevision`: the Repro library's version and the git commit it was built
///   from (`ReproLibrary`, embedded at build time; nil in manifests before schema 3). For the command
///   line these are the tool's own: `repro` is built from the same sources.
/// - `gitCommit` and `gitDirty`: the git state of the training code, only when the caller names its
///   directory (`repro train --code DIR`, `RuntimeOptions.codeDirectory`) and `git` can tell (nil
///   otherwise: no directory named, no git, not a repository, a timeout). The current directory is
///   never looked at: for the command line it is not the training code.
/// - `threadCount` and `workerCount`: given by the caller, who knows what the run used.
///
/// The host name is not recorded: it changes no bits and would leak into shared run records.
///
/// JSON encodings use sorted keys, so the same fingerprint always gives the same bytes.
public struct EnvironmentFingerprint: Codable, Hashable, Sendable {
    /// `ReproLibrary.version`.
    public var reproVersion: String
    /// `ReproLibrary.revision`: the git commit Repro was built from (`-dirty` with uncommitted changes,
    /// `unknown` when built without git); nil in records written before it was recorded.
    public var reproRevision: String?
    /// The Swift compiler's version, `major.minor` (see the type's documentation).
    public var swiftCompiler: String
    /// `debug` or `release`, as ReproRuns was compiled.
    public var buildConfiguration: String
    /// The architecture the binary was compiled for: `x86_64`, `arm64`, or `other`.
    public var architecture: String
    /// The machine `uname` reports, e.g. `x86_64`, `aarch64`.
    public var machine: String
    /// The operating system `uname` reports, e.g. `Linux`.
    public var osName: String
    /// The kernel release `uname` reports, e.g. `6.8.0-45-generic`.
    public var kernelRelease: String
    /// The distribution's `PRETTY_NAME`, e.g. `Debian GNU/Linux 12 (bookworm)`; nil when unknown.
    public var osDistribution: String?
    /// The C library, e.g. `glibc 2.36`; nil when unknown.
    public var libc: String?
    /// The CPU's model name, or `unknown`.
    public var cpuModel: String
    /// The relevant CPU features present (see `relevantCPUFeatures`), sorted.
    public var cpuFeatures: [String]
    /// Logical cores online in the machine.
    public var logicalCores: Int
    /// Logical cores this process may run on (affinity and limits applied).
    public var availableCores: Int
    /// The values of the set variables among `relevantEnvironmentVariables`.
    public var environment: [String: String]
    /// `git rev-parse HEAD` of the training code's directory, or nil when none was named or git cannot tell.
    public var gitCommit: String?
    /// Whether `git status --porcelain` lists anything (uncommitted or untracked files), or nil when unavailable.
    public var gitDirty: Bool?
    /// The number of compute threads the run used, as given by the caller.
    public var threadCount: Int?
    /// The number of data-loader workers the run used, as given by the caller.
    public var workerCount: Int?

    /// The environment variables that can change bits or speed, recorded when set: Swift's hash
    /// seeding, Repro's thread count and target CPU, and the thread counts of common BLAS/OpenMP
    /// libraries.
    static let relevantEnvironmentVariables = [
        "SWIFT_DETERMINISTIC_HASHING", "REPRO_NUM_THREADS", "REPRO_TARGET_CPU",
        "OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS",
    ]

    /// The CPU features recorded when present: x86-64 vector and FMA extensions, and arm64's.
    static let relevantCPUFeatures: Set<String> = [
        "sse4_1", "sse4_2", "avx", "avx2", "fma", "f16c", "avx512f", "avx512dq", "avx512bw", "avx512vl",
        "avx512_vnni", "avx512_bf16", "avx512_fp16", "amx_tile", "amx_bf16",
        "asimd", "fphp", "asimdhp", "asimddp", "sve", "sve2", "bf16", "i8mm", "sme",
    ]

    /// A fingerprint from explicit values (for tests and for decoding old records); `current` measures one.
    init(reproVersion: String, reproRevision: String?, swiftCompiler: String, buildConfiguration: String, architecture: String,
                machine: String, osName: String, kernelRelease: String, osDistribution: String?, libc: String?,
                cpuModel: String, cpuFeatures: [String], logicalCores: Int, availableCores: Int,
                environment: [String: String], gitCommit: String?, gitDirty: Bool?,
                threadCount: Int?, workerCount: Int?) {
        self.reproVersion = reproVersion
        self.reproRevision = reproRevision
        self.swiftCompiler = swiftCompiler
        self.buildConfiguration = buildConfiguration
        self.architecture = architecture
        self.machine = machine
        self.osName = osName
        self.kernelRelease = kernelRelease
        self.osDistribution = osDistribution
        self.libc = libc
        self.cpuModel = cpuModel
        self.cpuFeatures = cpuFeatures
        self.logicalCores = logicalCores
        self.availableCores = availableCores
        self.environment = environment
        self.gitCommit = gitCommit
        self.gitDirty = gitDirty
        self.threadCount = threadCount
        self.workerCount = workerCount
    }

    /// The fingerprint of this process on this machine.
    ///
    /// - Parameters:
    ///   - codeDirectory: a directory inside the training code's git repository, or nil to record no
    ///     commit (the current directory is not assumed: it need not hold the training code). Git is asked with `GIT_OPTIONAL_LOCKS=0` (so it never writes the index); a missing
    ///     `git`, a directory outside a repository, or git taking longer than `gitTimeout` seconds
    ///     gives nil `gitCommit` and `gitDirty`, never an error.
    ///   - threadCount: the compute threads the run uses, when known.
    ///   - workerCount: the data-loader workers the run uses, when known.
    /// - Determinism: two calls in one process give equal values unless the repository or the
    ///   process's environment changed between them.
    public static func current(codeDirectory: String?, threadCount: Int? = nil, workerCount: Int? = nil,
                               gitTimeout: Double = 10) -> EnvironmentFingerprint {
        let system = SystemProbe.systemName()
        let cpu = SystemProbe.cpuInfo(from: (try? AtomicFile.read("/proc/cpuinfo", limit: 1 << 24)).map { String(decoding: $0, as: UTF8.self) } ?? "")
        let processEnvironment = ProcessInfo.processInfo.environment
        var environment: [String: String] = [:]
        for name in relevantEnvironmentVariables { environment[name] = processEnvironment[name] }
        var commit: String?
        var dirty: Bool?
        if let codeDirectory,
           let head = SystemProbe.git(["rev-parse", "HEAD"], in: codeDirectory, timeout: gitTimeout),
           let status = SystemProbe.git(["status", "--porcelain"], in: codeDirectory, timeout: gitTimeout) {
            commit = head.trimmingCharacters(in: .whitespacesAndNewlines)
            dirty = !status.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty
        }
        return EnvironmentFingerprint(
            reproVersion: ReproLibrary.version, reproRevision: ReproLibrary.revision, swiftCompiler: compilerVersion, buildConfiguration: buildConfiguration,
            architecture: architecture, machine: system.machine, osName: system.sysname,
            kernelRelease: system.release, osDistribution: SystemProbe.osDistribution(), libc: SystemProbe.libcVersion(),
            cpuModel: cpu.model, cpuFeatures: cpu.features.filter(relevantCPUFeatures.contains).sorted(),
            logicalCores: ProcessInfo.processInfo.processorCount,
            availableCores: ProcessInfo.processInfo.activeProcessorCount,
            environment: environment, gitCommit: commit, gitDirty: dirty,
            threadCount: threadCount, workerCount: workerCount)
    }

    /// One field that differs between two fingerprints, with both values as text.
    public struct Difference: Hashable, Sendable, CustomStringConvertible {
        /// The field's JSON key; `environment.NAME` for one environment variable.
        public let field: String
        /// The value in the fingerprint `differences(from:)` was called on; `(none)` when absent.
        public let value: String
        /// The value in the other fingerprint; `(none)` when absent.
        public let other: String

        package init(field: String, value: String, other: String) {
            self.field = field
            self.value = value
            self.other = other
        }

        /// `field: value ≠ other`.
        public var description: String { "\(field): \(value) ≠ \(other)" }
    }

    /// The fields whose values differ from `other`'s, in the order of `fieldTexts` (the JSON key
    /// order); environment variables are compared one by one, an unset one shown as `(none)`.
    public func differences(from other: EnvironmentFingerprint) -> [Difference] {
        let mine = fieldTexts
        let theirs = Dictionary(uniqueKeysWithValues: other.fieldTexts.map { ($0.field, $0.text) })
        var keys = Set(mine.map(\.field))
        var result: [Difference] = []
        for (field, text) in mine where theirs[field] != text {
            result.append(Difference(field: field, value: text, other: theirs[field] ?? "(none)"))
        }
        for (field, text) in other.fieldTexts where keys.insert(field).inserted {
            result.append(Difference(field: field, value: "(none)", other: text))
        }
        return result.sorted { $0.field < $1.field }
    }

    /// Every field as (JSON key, text), sorted by key; one entry per set environment variable
    /// (`environment.NAME`); an absent value is `(none)`.
    package var fieldTexts: [(field: String, text: String)] {
        func text(_ value: (some CustomStringConvertible)?) -> String { value.map(\.description) ?? "(none)" }
        var fields: [(String, String)] = [
            ("architecture", architecture), ("availableCores", String(availableCores)),
            ("buildConfiguration", buildConfiguration), ("cpuFeatures", cpuFeatures.joined(separator: " ")),
            ("cpuModel", cpuModel), ("gitCommit", text(gitCommit)), ("gitDirty", text(gitDirty)),
            ("kernelRelease", kernelRelease), ("libc", text(libc)), ("logicalCores", String(logicalCores)),
            ("machine", machine), ("osDistribution", text(osDistribution)), ("osName", osName),
            ("reproRevision", text(reproRevision)), ("reproVersion", reproVersion), ("swiftCompiler", swiftCompiler), ("threadCount", text(threadCount)),
            ("workerCount", text(workerCount)),
        ]
        fields += environment.map { ("environment.\($0.key)", $0.value) }
        return fields.sorted { $0.0 < $1.0 }.map { (field: $0.0, text: $0.1) }
    }

    /// The fingerprint as JSON with sorted keys (and without escaped slashes); `pretty` adds
    /// indentation and line breaks. The same fingerprint always gives the same bytes.
    package func encodedJSON(pretty: Bool = false) throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = pretty ? [.sortedKeys, .withoutEscapingSlashes, .prettyPrinted]
                                          : [.sortedKeys, .withoutEscapingSlashes]
        return Array(try encoder.encode(self))
    }

    /// Decodes a fingerprint written by `encodedJSON`; `source` names it in errors.
    ///
    /// - Throws: `RunFileError` naming `source` and the missing or mistyped field.
    public static func decode(json: [UInt8], source: String) throws -> EnvironmentFingerprint {
        do {
            return try JSONDecoder().decode(EnvironmentFingerprint.self, from: Data(json))
        } catch let error as DecodingError {
            throw RunFileError(source: source, "not an environment fingerprint: \(SystemProbe.describe(error))")
        }
    }

    /// The compiler version, `major.minor`, from a compile-time chain.
    static let compilerVersion: String = {
        #if compiler(>=7.0)
        return "7.0 or later"
        #elseif compiler(>=6.5)
        return "6.5"
        #elseif compiler(>=6.4)
        return "6.4"
        #elseif compiler(>=6.3)
        return "6.3"
        #elseif compiler(>=6.2)
        return "6.2"
        #elseif compiler(>=6.1)
        return "6.1"
        #elseif compiler(>=6.0)
        return "6.0"
        #else
        return "before 6.0"
        #endif
    }()

    /// `debug` or `release`, as the ReproRuns module was compiled.
    static let buildConfiguration: String = {
        #if DEBUG
        return "debug"
        #else
        return "release"
        #endif
    }()

    /// The architecture the binary was compiled for.
    static let architecture: String = {
        #if arch(x86_64)
        return "x86_64"
        #elseif arch(arm64)
        return "arm64"
        #else
        return "other"
        #endif
    }()
}
