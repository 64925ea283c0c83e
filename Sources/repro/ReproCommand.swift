import ArgumentParser
import Foundation
import Repro

/// The `repro` command line (DESIGN.md §8).
///
/// Exit codes: 0 success, 1 a negative verdict (for example `compare` finding a difference),
/// 2 invalid input: unknown subcommand, algorithm or flag, a malformed value, or an argument the
/// matching numpy or CPython function rejects.
@main
struct ReproCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "repro",
        abstract: "Reproducible machine-learning runs, and the proof.",
        subcommands: [ExerciseCommand.self, TrainCommand.self, SweepCommand.self, CompareCommand.self, StatsCommand.self,
                      PlotCommand.self, ReportCommand.self, EnvCommand.self, DoctorCommand.self, RngCommand.self]
    )

    /// Parses and runs a subcommand. Help exits 0; a parse error prints the usage and exits 2; an
    /// error from running prints its message and exits 2; an explicit `ExitCode` is kept.
    static func main() {
        var command: any ParsableCommand
        do {
            command = try parseAsRoot()
        } catch {
            if exitCode(for: error) == .success { exit(withError: error) }
            fail(fullMessage(for: error))
        }
        do {
            try command.run()
        } catch let code as ExitCode {
            exit(withError: code)
        } catch let error as ValidationError {
            fail("Error: \(error.message)")
        } catch where exitCode(for: error) == .success {
            exit(withError: error)  // help, requested through the help subcommand path
        } catch {
            fail("Error: \(error)")
        }
    }

    static func fail(_ message: String) -> Never {
        var stderr = StandardError()
        print(message, to: &stderr)
        Foundation.exit(2)
    }
}

/// Standard error as a `TextOutputStream`.
struct StandardError: TextOutputStream {
    mutating func write(_ text: String) {
        FileHandle.standardError.write(Data(text.utf8))
    }
}
