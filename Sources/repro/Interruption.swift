#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import ArgumentParser
import Repro
import Synchronization

/// Ctrl-C (SIGINT) and SIGTERM for the commands that train (`train`, `sweep`, `exercise`).
///
/// The first signal asks the work to stop at a safe point: a training ends after its current
/// step with a checkpoint (``stop``, passed to the trainer), a sweep or exercise forwards the
/// signal to its child trainings and waits for them. A second signal ends the process at once.
/// The command then prints how to resume and exits with 128 + the signal number (130 for SIGINT).
enum Interruption {
    /// Made by the first signal.
    static let stop = StopRequest()

    /// The signal received first, or 0.
    static var signalNumber: Int32 { firstSignal.load(ordering: .relaxed) }

    /// The exit status after the signal: 128 + its number.
    static var exitCode: ExitCode { ExitCode(128 + signalNumber) }

    /// Installs the handlers and unblocks the two signals (a process inherits its parent's blocked
    /// signals, and a test runner or job control may have blocked them). Only async-signal-safe
    /// work happens in the handlers: atomic stores, and for a second signal restoring the default
    /// action and raising it again.
    static func install() {
        // Swift initializes globals lazily, which is not async-signal-safe: do it here, before a
        // handler can be the first to touch them.
        _ = firstSignal.load(ordering: .relaxed)
        _ = stop.isRequested
        var signals = sigset_t()
        sigemptyset(&signals)
        sigaddset(&signals, SIGINT)
        sigaddset(&signals, SIGTERM)
        pthread_sigmask(SIG_UNBLOCK, &signals, nil)
        for number in [SIGINT, SIGTERM] {
            _ = signal(number) { number in
                if firstSignal.compareExchange(expected: 0, desired: number, ordering: .relaxed).exchanged {
                    Interruption.stop.request()
                } else {
                    _ = signal(number, SIG_DFL)
                    raise(number)
                }
            }
        }
    }
}

/// The first signal's number (0 before one arrives); a global, so the C signal handler reaches it.
private let firstSignal = Atomic<Int32>(0)
