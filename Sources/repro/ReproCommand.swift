import ArgumentParser
import Foundation
import Repro
import ReproTensor

/// The `repro` command line (docs/ARCHITECTURE.md §8).
///
/// Exit codes: 0 success, 1 a negative verdict (for example `compare` finding a difference),
/// 2 invalid input: unknown subcommand, algorithm or flag, a malformed value, or an argument the
/// matching numpy or CPython function rejects.
@main
struct ReproCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "repro",
        abstract: "Reproducible machine-learning runs, and the proof.",
        version: "repro \(ReproLibrary.version) (revision \(ReproLibrary.revision))",
        subcommands: [ExerciseCommand.self, TrainCommand.self, SampleCommand.self, SweepCommand.self, AuditCommand.self, CompareCommand.self, StatsCommand.self,
                      PlotCommand.self, ReportCommand.self, EnvCommand.self, DoctorCommand.self, RngCommand.self]
    )

    /// Parses and runs a subcommand. Help exits 0; a parse error prints the usage and exits 2; an
    /// error from running prints its message and exits 2; an explicit `ExitCode` is kept.
    ///
    /// Output errors never trap: `SIGPIPE` is ignored, so a closed pipe or terminal makes writes
    /// fail instead of killing the process (a training goes on); everything goes through C's
    /// buffered streams, and standard output is checked once at the end: output that could not be
    /// written (a closed or full stdout) ends the process with a message and exit status 2.
    /// Standard output is line-buffered everywhere, so a pipe or file gets each line when it is
    /// printed; library errors are printed in the command line's words (``CommandLineWording``).
    static func main() {
        signal(SIGPIPE, SIG_IGN)
        lineBufferStandardOutput()
        var command: any ParsableCommand
        do {
            command = try parseAsRoot()
        } catch {
            if exitCode(for: error) == .success { exit(withError: error) }
            fail(fullMessage(for: error))
        }
        do {
            try command.run()
            finishOutput()
        } catch let code as ExitCode {
            finishOutput()
            exit(withError: code)
        } catch let error as ValidationError {
            fail("Error: \(error.message)")
        } catch where exitCode(for: error) == .success {
            exit(withError: error)  // help, requested through the help subcommand path
        } catch {
            fail("Error: \(CommandLineWording.message(for: error))")
        }
    }

    static func fail(_ message: String) -> Never {
        var stderr = StandardError()
        print(message, to: &stderr)
        Foundation.exit(2)
    }

    /// Flushes standard output (`print`'s C stream); when it cannot be written, now or by an earlier
    /// line (line buffering writes each line as it is printed, and the stream keeps its error flag),
    /// says so on standard error and exits 2.
    static func finishOutput() {
        if fflush(nil) != 0 {
            let reason = errno == 0 ? "an earlier write failed" : String(cString: strerror(errno))
            fail("Error: cannot write to standard output: \(reason)")
        }
        if standardOutputHasFailed() { fail("Error: cannot write to standard output: an earlier write failed") }
    }
}

/// Standard error as a `TextOutputStream`, through C's `stderr` (a failed write is ignored, never
/// a trap: there is nowhere left to report it).
struct StandardError: TextOutputStream {
    mutating func write(_ text: String) {
        writeToStandardError(text)
    }
}
