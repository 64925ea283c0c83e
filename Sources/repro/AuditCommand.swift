import ArgumentParser
import Foundation
import Repro

/// `repro audit`: varies the causes of irreproducibility one at a time and says which change the
/// bits. Of a built-in recipe (``trainingAudit()``, AuditCommand+Training.swift), every factor
/// Repro controls, each run a child `repro train`; of any command after `--`
/// (``commandAudit()``, AuditCommand+Command.swift), the factors the environment controls.
struct AuditCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "Vary one cause of irreproducibility at a time and say which change the bits.",
        discussion: """
            repro audit [train options] trains a short run of the recipe (50 steps unless --max-steps is given) as the reference, then the same run once per factor, each in its own `repro train` process: a second process (G1), Swift's hash seed, SWIFT_DETERMINISTIC_HASHING set or not (G2), the thread count (G3), 3 loader workers with a prefetch depth of 1 (G4), a stop after a random step and a resume (G5), the other build of this executable, .build/debug next to .build/release or the reverse, where one of the same revision exists (G6), --allow-nondeterministic, and --benchmark. Each row says identical, or where the run first differs from the reference. The last two factors carry no guarantee: they are reported as measured on this machine and never fail the audit.

            repro audit [--output PATH …] -- COMMAND ARGS … audits a command Repro did not write, such as a PyTorch training script. It runs the command in a fresh copy of the working directory (--workdir) for every run, at one path, and moves the outputs aside after each: twice, then with OMP_NUM_THREADS, MKL_NUM_THREADS and OPENBLAS_NUM_THREADS set to 1 and to 2 (the reference runs without them, at the command's default), with PYTHONHASHSEED=0 (the reference runs without it), with CUBLAS_WORKSPACE_CONFIG set (or unset, when it is set here), and in a copy at another path. Each --output, a path relative to the working directory, is compared with the reference's: a .safetensors file tensor by tensor, a .csv log (a step column and metric columns) or a directory of TensorBoard event files series by series and step by step, any other file byte by byte.

            The runs go to --out DIR, which is kept, or to a temporary directory, removed at the end unless --keep is given.

            Exit status: 0 when every promised factor left the bits identical (for a command: when no factor changed an output), 1 when one changed them, 2 for invalid input, a training or command that fails, or an output the command did not write. Progress goes to standard error; Ctrl-C is passed on to the running child.
            """)

    @Option(parsing: .unconditional, help: "The seed (default 42).", transform: SeedArgument.parse)
    var seed: UInt64 = 42
    @OptionGroup var recipe: AuditRecipeOptions
    @Option(name: .customLong("interrupt-at"), parsing: .unconditional,
            help: ArgumentHelp("The step after which the interruption factor stops the run (default: drawn at random, and printed).",
                               valueName: "step"))
    var interruptAt: Int?
    @Option(name: .customLong("output"),
            help: ArgumentHelp("A file or TensorBoard directory the command writes, relative to its working directory; give it once per output.", valueName: "path"))
    var outputs: [String] = []
    @Option(help: ArgumentHelp("The command's working directory, copied for every run (default: the current directory).",
                               valueName: "dir"))
    var workdir: String?
    @Option(help: ArgumentHelp("The directory for the runs, new or empty; kept.", valueName: "dir"))
    var out: String?
    @Flag(help: "Keep the temporary directory of the runs.")
    var keep = false
    @Argument(parsing: .postTerminator, help: ArgumentHelp("The command to audit, after --.", valueName: "command"))
    var command: [String] = []

    func validate() throws {
        if command.isEmpty, CommandLine.arguments.dropFirst().contains("--") {
            throw ValidationError("no command after --: give the command to audit, e.g. -- python train.py")
        }
        if command.isEmpty {
            if !outputs.isEmpty || workdir != nil {
                throw ValidationError("--output and --workdir are for a command given after --")
            }
            if let interruptAt, interruptAt < 1 { throw ValidationError("--interrupt-at must be at least 1, got \(interruptAt)") }
        } else {
            let given = recipe.given + (interruptAt == nil ? [] : ["--interrupt-at"])
            guard given.isEmpty else {
                throw ValidationError("\(given.joined(separator: ", ")) set the built-in recipe; a command after -- takes none of them")
            }
            guard !outputs.isEmpty else {
                throw ValidationError("name at least one file the command writes with --output PATH, to compare between runs")
            }
            for output in outputs where output.hasPrefix("/") || output.split(separator: "/").contains("..") {
                throw ValidationError("--output \(output): give a path inside the working directory, relative to it")
            }
        }
        if let out, out.isEmpty { throw ValidationError("--out must not be empty") }
    }

    func run() throws {
        if command.isEmpty { try trainingAudit() } else { try commandAudit() }
    }

    /// Creates the audit's directory: `--out` (new or empty), or a fresh temporary one.
    func makeDirectory() throws -> String {
        if let out {
            let existing = (try? FileManager.default.contentsOfDirectory(atPath: out)) ?? []
            guard existing.isEmpty else { throw ValidationError("--out \(out) is not empty: the audit trains afresh") }
            try RunDirectory.refuseInsideRun(out, what: "the audit")
            try RunDirectory.makeDirectory(out)
            return out
        }
        let template = FileManager.default.temporaryDirectory.appendingPathComponent("repro-audit-XXXXXX").path
        var bytes = Array(template.utf8CString)
        guard let created = mkdtemp(&bytes) else {
            throw ValidationError("cannot create a temporary directory from \(template): \(String(cString: strerror(errno)))")
        }
        return String(cString: created)
    }

    /// Whether the runs stay after the audit.
    var keepsRuns: Bool { out != nil || keep }

    /// Runs `body` in the audit's directory (``makeDirectory()``), then removes the directory
    /// unless it is kept (saying where it is when it is); after Ctrl-C it stays, with the runs so far.
    func inDirectory<R>(_ body: (String) throws -> R) throws -> R {
        let directory = try makeDirectory()
        do {
            let result = try body(directory)
            if keepsRuns { print("runs kept in \(directory)") } else { try? FileManager.default.removeItem(atPath: directory) }
            return result
        } catch {
            if Interruption.signalNumber == 0, !keepsRuns { try? FileManager.default.removeItem(atPath: directory) }
            throw error
        }
    }

    /// Runs `jobs` one at a time (`ChildProcess.runAll`): a failed child ends the audit with its
    /// message; Ctrl-C ends it with the signal's status, leaving the runs in `directory`.
    static func runChildren<Job>(_ jobs: [Job], progress: RunsProgress, directory: String, name: (Job) -> String,
                                 launch: (Job) throws -> ChildProcess.Launch?,
                                 finished: (Job) throws -> Void) throws {
        let interrupted = try ChildProcess.runAll(jobs, parallel: 1, progress: progress, launch: launch) { job, result in
            guard result.status == 0 else {
                if Interruption.signalNumber != 0 { return }
                throw ValidationError("\(name(job)): exit status \(result.status): \(ChildProcess.lastLine(result.error))")
            }
            try finished(job)
        }
        if interrupted {
            var stderr = StandardError()
            print("interrupted: the audit's runs so far are in \(directory)", to: &stderr)
            throw Interruption.exitCode
        }
    }
}

/// The recipe flags of `repro audit`: those of `repro train` but the nondeterministic fast paths,
/// which the audit varies itself.
struct AuditRecipeOptions: ParsableArguments, RecipeFlags {
    @Option(name: .customLong("recipe"), help: "classifier (the default) or charlm, as for repro train.")
    var recipeName: String?
    @OptionGroup(title: "Training") var loop: LoopOptions
    @OptionGroup(title: "Classifier recipe") var classifierFlags: ClassifierOptions
    @OptionGroup(title: "charlm recipe") var charlmOptions: CharLMOptions

    var charlmFlags: CharLMOptions? { charlmOptions }
    var nondeterminism: NondeterminismOptions? { nil }
}
