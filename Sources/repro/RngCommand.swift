import ArgumentParser
import Foundation
import Repro

/// `repro rng`: prints a random stream one value per line, exactly as numpy or CPython prints it
/// for the same seed, so any stream can be checked from a shell.
struct RngCommand: ParsableCommand {
    /// The most values one call prints (a permutation of this length is 80 MB of integers).
    static let maxCount = 10_000_000

    static let configuration = CommandConfiguration(
        commandName: "rng",
        abstract: "Print a random stream, one value per line, as numpy or CPython produces it.",
        usage: "repro rng <algorithm> --seed <n> --draw <kind> [<options>]",
        discussion: """
            Each ALGORITHM prints what this Python prints for the same seed, one value per line: doubles as \
            Python's repr(), float32 values as str(np.float32(x)), integers in decimal. The draws each \
            algorithm has, and the call each one matches:

            pcg64, pcg64dxsm, philox, sfc64 and mt19937: np.random.Generator(BIT(seed)), where BIT is \
            np.random.PCG64, PCG64DXSM, Philox, SFC64 or MT19937.
              raw          bit_generator.random_raw()
              random       random()
              float32      random(dtype=np.float32)
              uniform      uniform(low, high)
              integers     integers(low, high): high excluded, or included with --endpoint
              normal       standard_normal()
              normal32     standard_normal(dtype=np.float32)
              exponential  standard_exponential()
              permutation  permutation(count)
              shuffle      shuffle(np.arange(count))

            randomstate: np.random.RandomState(seed), the legacy np.random.seed.
              raw          the raw 32-bit words
              random       random_sample()
              integers     randint(low, high)
              normal       standard_normal()
              permutation  permutation(count)
              shuffle      shuffle(np.arange(count))

            python: random.Random(seed).
              raw          getrandbits(32)
              random       random()
              uniform      uniform(low, high)
              integers     randrange(low, high)
              normal       gauss(0.0, 1.0)
              shuffle      shuffle(list(range(count)))
            """
    )

    @Argument(help: "The generator (see above).")
    var algorithm: RngAlgorithm

    @Option(parsing: .unconditional, help: ArgumentHelp(
        "The seed: a non-negative integer of any size for numpy's generators, 0…2^32-1 for randomstate, any integer for python.",
        valueName: "n"), transform: { $0 })
    var seed: String

    @Option(help: ArgumentHelp("What to draw (see above).", valueName: "kind"))
    var draw: RngDraw

    @Option(parsing: .unconditional, help: ArgumentHelp("How many values to print (for permutation and shuffle: the length).", valueName: "n"))
    var count: Int = 10

    @Option(parsing: .unconditional, help: ArgumentHelp("Lower bound for integers and uniform (default 0).", valueName: "L"))
    var low: String?

    @Option(parsing: .unconditional, help: ArgumentHelp("Upper bound for integers (required) and uniform (default 1).", valueName: "H"))
    var high: String?

    @Flag(help: "integers: include high, as numpy's endpoint=True.")
    var endpoint = false

    func validate() throws {
        guard (0...Self.maxCount).contains(count) else {
            throw ValidationError("--count must be a non-negative integer up to \(Self.maxCount), got \(count)")
        }
        let available = algorithm.draws
        guard available.contains(draw) else {
            throw ValidationError("""
                draw '\(draw.rawValue)' is not available for \(algorithm.rawValue); \
                available: \(available.map(\.rawValue).joined(separator: ", "))
                """)
        }
        if endpoint && (draw != .integers || algorithm == .randomstate || algorithm == .python) {
            throw ValidationError("--endpoint applies only to integers with numpy's Generator algorithms")
        }
        if draw != .integers && draw != .uniform && (low != nil || high != nil) {
            throw ValidationError("--low and --high apply only to integers and uniform")
        }
    }

    func run() throws {
        var output = RngOutput()
        switch algorithm {
        case .pcg64: try drawNumpy(PCG64(try numpySeed()), into: &output)
        case .pcg64dxsm: try drawNumpy(PCG64DXSM(try numpySeed()), into: &output)
        case .philox: try drawNumpy(Philox(try numpySeed()), into: &output)
        case .sfc64: try drawNumpy(SFC64(try numpySeed()), into: &output)
        case .mt19937: try drawNumpy(MT19937(try numpySeed()), into: &output)
        case .randomstate: try drawRandomState(into: &output)
        case .python: try drawPython(into: &output)
        }
        output.flush()
    }

    // MARK: - numpy Generator

    func numpySeed() throws -> SeedSequence {
        do {
            return try SeedSequence(decimal: seed)
        } catch {
            throw ValidationError("--seed: numpy's generators accept a non-negative integer of any size, got '\(seed)'")
        }
    }

    func drawNumpy<Bits: BitGenerator>(_ bits: Bits, into output: inout RngOutput) throws {
        var generator = Generator(bits)
        switch draw {
        case .raw: for _ in 0..<count { output.append(String(generator.bitGenerator.nextRaw())) }
        case .random: for _ in 0..<count { output.append(generator.random()) }
        case .float32: for _ in 0..<count { output.append(generator.randomFloat()) }
        case .uniform:
            let (lower, upper) = try doubleBounds()
            for _ in 0..<count { output.append(try generator.uniform(low: lower, high: upper)) }
        case .integers:
            let (lower, upper) = try integerBounds()
            for _ in 0..<count { output.append(String(try generator.integers(lower, upper, endpoint: endpoint))) }
        case .normal: for _ in 0..<count { output.append(generator.standardNormal()) }
        case .normal32: for _ in 0..<count { output.append(generator.standardNormalFloat()) }
        case .exponential: for _ in 0..<count { output.append(generator.standardExponential()) }
        case .permutation: output.append(integers: try generator.permutation(count))
        case .shuffle:
            var values = Array(0..<count)
            generator.shuffle(&values)
            output.append(integers: values)
        }
    }

    // MARK: - numpy RandomState

    func drawRandomState(into output: inout RngOutput) throws {
        var state: RandomState
        do {
            state = try RandomState(decimalSeed: seed)
        } catch let error as RandomArgumentError {
            throw ValidationError("--seed: \(error.message)")
        }
        switch draw {
        case .raw: for _ in 0..<count { output.append(String(state.nextRaw())) }
        case .random: for _ in 0..<count { output.append(state.randomSample()) }
        case .integers:
            let (lower, upper) = try integerBounds()
            for _ in 0..<count { output.append(String(try state.randint(lower, upper))) }
        case .normal: for _ in 0..<count { output.append(state.standardNormal()) }
        case .permutation: output.append(integers: try state.permutation(count))
        case .shuffle:
            var values = Array(0..<count)
            state.shuffle(&values)
            output.append(integers: values)
        default: preconditionFailure("validate() admits only RandomState's draws")
        }
    }

    // MARK: - CPython random

    func drawPython(into output: inout RngOutput) throws {
        var random: PythonRandom
        do {
            random = try PythonRandom(decimalSeed: seed)
        } catch {
            throw ValidationError("--seed: python accepts any integer (random.seed uses its absolute value), got '\(seed)'")
        }
        switch draw {
        case .raw: for _ in 0..<count { output.append(String(try random.getrandbits(32))) }
        case .random: for _ in 0..<count { output.append(random.random()) }
        case .uniform:
            let (lower, upper) = try doubleBounds()
            for _ in 0..<count { output.append(random.uniform(lower, upper)) }
        case .integers:
            let (lower, upper) = try integerBounds()
            for _ in 0..<count { output.append(String(try random.randrange(Int(lower), Int(upper)))) }
        case .normal: for _ in 0..<count { output.append(random.gauss(mu: 0, sigma: 1)) }
        case .shuffle:
            var values = Array(0..<count)
            random.shuffle(&values)
            output.append(integers: values)
        default: preconditionFailure("validate() admits only CPython's draws")
        }
    }

    // MARK: - Bounds

    func integerBounds() throws -> (Int64, Int64) {
        guard let highText = high else {
            throw ValidationError("integers needs --high (and optionally --low, default 0)")
        }
        guard let upper = Int64(highText) else {
            throw ValidationError("--high must be a 64-bit integer, got '\(highText)'")
        }
        guard let lower = Int64(low ?? "0") else {
            throw ValidationError("--low must be a 64-bit integer, got '\(low ?? "")'")
        }
        return (lower, upper)
    }

    func doubleBounds() throws -> (Double, Double) {
        guard let lower = Double(low ?? "0"), let upper = Double(high ?? "1") else {
            throw ValidationError("--low and --high must be numbers, got '\(low ?? "0")' and '\(high ?? "1")'")
        }
        return (lower, upper)
    }
}

/// The algorithms of `repro rng`.
enum RngAlgorithm: String, CaseIterable, ExpressibleByArgument {
    case pcg64, pcg64dxsm, philox, sfc64, mt19937, randomstate, python

    /// The draws each algorithm has.
    var draws: [RngDraw] {
        switch self {
        case .randomstate: return [.raw, .random, .integers, .normal, .permutation, .shuffle]
        case .python: return [.raw, .random, .uniform, .integers, .normal, .shuffle]
        default: return RngDraw.allCases
        }
    }
}

/// The kinds of value `repro rng` can draw.
enum RngDraw: String, CaseIterable, ExpressibleByArgument {
    case raw, random, float32, uniform, integers, normal, normal32, exponential, permutation, shuffle
}

/// Collects lines and writes them to standard output a MiB at a time.
struct RngOutput {
    private var text = ""

    mutating func append(_ line: String) {
        text += line
        text += "\n"
        if text.utf8.count >= 1 << 20 { flush() }
    }

    mutating func append(_ value: Double) { append(PythonRepr.format(value)) }
    mutating func append(_ value: Float) { append(PythonRepr.format(value)) }
    mutating func append(integers values: [Int]) { for value in values { append(String(value)) } }

    /// Writes what was collected to standard output; when it cannot (a closed or full stdout),
    /// ends the process with a message and exit status 2.
    mutating func flush() {
        var bytes = Array(text.utf8)[...]
        text = ""
        while !bytes.isEmpty {
            let written = bytes.withUnsafeBytes { write(1, $0.baseAddress, $0.count) }
            if written < 0 && errno == EINTR { continue }
            if written <= 0 {
                ReproCommand.fail("Error: cannot write to standard output: \(String(cString: strerror(errno)))")
            }
            bytes = bytes.dropFirst(written)
        }
    }
}
