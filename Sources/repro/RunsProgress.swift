import Foundation
import Repro
import ReproTensor

/// The progress of a batch of child trainings (`repro sweep`, `repro exercise`) on standard
/// error: runs done, runs running, and the time left, estimated from the durations of the runs
/// trained so far. On a terminal one line is redrawn in place; otherwise a line is written when
/// something changed (at most four times a second), so a log or a pipe gets it as it happens.
final class RunsProgress {
    private let total: Int
    private let parallel: Int
    private let terminal: Bool
    private var done = 0
    private var runningCount = 0
    private var durations: [Double] = []
    private var changed = false
    private var onLine = false

    /// - Parameters:
    ///   - total: the number of runs, those already done included.
    ///   - parallel: how many run at once.
    ///   - terminal: nil to ask whether standard error is a terminal.
    init(total: Int, parallel: Int, terminal: Bool? = nil) {
        self.total = total
        self.parallel = parallel
        self.terminal = terminal ?? (isatty(STDERR_FILENO) == 1)
    }

    /// A run that needs no training here (finished earlier, or failed before it could start).
    func skipped() {
        done += 1
        changed = true
    }

    /// A child training started.
    func started() {
        runningCount += 1
        changed = true
    }

    /// A child training ended; `running` holds the start times of those still running.
    func ended(startedAt: ContinuousClock.Instant, succeeded: Bool, running: [ContinuousClock.Instant]) {
        runningCount -= 1
        done += 1
        if succeeded { durations.append(Self.seconds(since: startedAt)) }
        changed = true
        redraw(running: running)
    }

    /// Draws the line again on a terminal; elsewhere writes it when something changed since the
    /// last one.
    func redraw(running: [ContinuousClock.Instant]) {
        guard terminal || changed else { return }
        changed = false
        let line = Self.line(done: done, total: total, running: runningCount,
                             left: estimate(running: running.map(Self.seconds(since:))))
        if terminal {
            writeToStandardError("\r\u{1B}[2K" + line)
            onLine = true
        } else {
            writeToStandardError(line + "\n")
        }
    }

    /// Erases the line on a terminal, so that what is printed next starts on a line of its own.
    func clear() {
        if onLine { writeToStandardError("\r\u{1B}[2K") }
        onLine = false
    }

    /// The seconds left: each run not yet trained takes the mean duration so far, each running
    /// one the rest of it, shared among the parallel slots; nil before a run has finished, and
    /// when none is left.
    func estimate(running elapsed: [Double]) -> Double? {
        let waiting = total - done - runningCount
        guard !durations.isEmpty, waiting + runningCount > 0 else { return nil }
        let mean = durations.reduce(0, +) / Double(durations.count)
        let work = Double(waiting) * mean + elapsed.map { max(0, mean - $0) }.reduce(0, +)
        return work / Double(max(1, min(parallel, waiting + runningCount)))
    }

    /// `runs: 3 of 10 done, 2 running, about 1 min 20 s left`.
    static func line(done: Int, total: Int, running: Int, left: Double?) -> String {
        let time = left.map { "about \(duration($0)) left" } ?? (done < total ? "time left known after the first run" : "")
        return "runs: \(done) of \(total) done, \(running) running" + (time.isEmpty ? "" : ", " + time)
    }

    /// `45 s`, `3 min 05 s`, `2 h 07 min`.
    static func duration(_ seconds: Double) -> String {
        let whole = Int(seconds.rounded(.up))
        if whole < 60 { return "\(whole) s" }
        if whole < 3600 { return String(format: "%d min %02d s", whole / 60, whole % 60) }
        return String(format: "%d h %02d min", whole / 3600, whole % 3600 / 60)
    }

    private static func seconds(since start: ContinuousClock.Instant) -> Double {
        let duration = ContinuousClock.now - start
        return Double(duration.components.seconds) + Double(duration.components.attoseconds) * 1e-18
    }
}
