import Foundation
import ReproTensor

/// Where a ``Trainer`` reports what it does, when the caller passes one: without it the trainer
/// prints nothing. Every method has an empty default, so a conforming type implements only what
/// it shows; ``ConsoleProgress`` is the command line's display.
public protocol TrainingProgress: AnyObject {
    /// Training starts (or continues from `resumedFromStep`) for `totalSteps` optimizer steps.
    func started(totalSteps: Int, epochs: Int, resumedFromStep: Int?)
    /// Optimizer step `step` (1-based) ended with this training loss.
    func stepped(_ step: Int, totalSteps: Int, epoch: Int, loss: Float)
    /// An evaluation: the validation loss and each metric, in the task's order.
    func evaluated(step: Int, epoch: Int, loss: Float, metrics: [(name: String, value: Double)])
    /// Something the run went on past, e.g. a damaged checkpoint skipped on resume.
    func warn(_ message: String)
    /// The run ended (finished or stopped); a terminal display finishes its line.
    func ended()
}

extension TrainingProgress {
    public func started(totalSteps: Int, epochs: Int, resumedFromStep: Int?) {}
    public func stepped(_ step: Int, totalSteps: Int, epoch: Int, loss: Float) {}
    public func evaluated(step: Int, epoch: Int, loss: Float, metrics: [(name: String, value: Double)]) {}
    public func warn(_ message: String) {}
    public func ended() {}
}

/// Progress on standard error: a redrawn bar on a terminal, plain lines otherwise (every tenth of
/// the run and every evaluation), nothing with `quiet`.
public final class ConsoleProgress: TrainingProgress {
    private let terminal: Bool
    private let quiet: Bool
    private var started = ContinuousClock.now
    private var firstStep = 0
    private var lastDraw = ContinuousClock.now
    private var epochs = 1
    private var onBar = false

    /// - Parameter terminal: nil to ask whether standard error is a terminal.
    public init(terminal: Bool? = nil, quiet: Bool = false) {
        self.terminal = terminal ?? (isatty(STDERR_FILENO) == 1)
        self.quiet = quiet
    }

    public func started(totalSteps: Int, epochs: Int, resumedFromStep: Int?) {
        self.epochs = epochs
        started = .now
        firstStep = resumedFromStep ?? 0
        if let resumedFromStep {
            write("resuming at step \(resumedFromStep) of \(totalSteps)\n")
        }
    }

    public func stepped(_ step: Int, totalSteps: Int, epoch: Int, loss: Float) {
        guard !quiet else { return }
        let rate = Double(step - firstStep) / max(1e-9, seconds(.now - started))
        if terminal {
            guard step == totalSteps || seconds(.now - lastDraw) >= 0.1 else { return }
            lastDraw = .now
            let width = 24
            let filled = totalSteps == 0 ? width : width * step / totalSteps
            let bar = String(repeating: "█", count: filled) + String(repeating: "·", count: width - filled)
            write("\r\u{1B}[2Kepoch \(epoch + 1)/\(epochs) \(bar) step \(step)/\(totalSteps) "
                  + "loss \(format(loss)) \(Self.format(rate: rate))")
            onBar = true
        } else if step == totalSteps || step % max(1, totalSteps / 10) == 0 {
            write("step \(step)/\(totalSteps) epoch \(epoch + 1)/\(epochs) loss \(format(loss)) (\(Self.format(rate: rate)))\n")
        }
    }

    /// `123 steps/s`, `2.4 steps/s`, or `0.64 steps/s`: two significant digits below 10.
    static func format(rate: Double) -> String {
        guard rate.isFinite else { return "- steps/s" }
        if rate >= 10 { return "\(Int(rate)) steps/s" }
        return String(format: rate >= 1 ? "%.1f steps/s" : "%.2f steps/s", rate)
    }

    /// A metric whose name ends in `accuracy` is shown in percent, others as they are.
    public func evaluated(step: Int, epoch: Int, loss: Float, metrics: [(name: String, value: Double)]) {
        guard !quiet else { return }
        let line = "epoch \(epoch + 1)/\(epochs) step \(step): validation loss \(format(loss))"
            + metrics.map { name, value in
                name.hasSuffix("accuracy") ? ", \(name) \(String(format: "%.2f", value * 100)) %" : ", \(name) \(value)"
            }.joined()
        if terminal && onBar {
            write("\r\u{1B}[2K" + line + "\n")
            onBar = false
        } else {
            write(line + "\n")
        }
    }

    public func warn(_ message: String) {
        write((terminal && onBar ? "\n" : "") + "warning: \(message)\n")
        onBar = false
    }

    public func ended() {
        if terminal && onBar { write("\n") }
        onBar = false
    }

    private func format(_ value: Float) -> String { String(format: "%.4f", value) }

    private func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) * 1e-18
    }

    /// Ignores failures (``writeToStandardError(_:)``): a closed or full terminal never stops training.
    private func write(_ text: String) { writeToStandardError(text) }
}
