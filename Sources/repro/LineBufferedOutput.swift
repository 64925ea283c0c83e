#if canImport(Glibc)
@preconcurrency import Glibc
#elseif canImport(Musl)
@preconcurrency import Musl
#elseif canImport(Darwin)
@preconcurrency import Darwin
#endif

/// Makes C's standard output (which `print` writes through) line-buffered, also when it is a pipe
/// or a file, where C buffers whole blocks: each line reaches a pipe or log when it is printed.
/// Called once, first thing in `main`, before anything is printed.
func lineBufferStandardOutput() {
    setvbuf(stdout, nil, _IOLBF, 0)
}

/// Whether a write to C's standard output has failed since the process started (its error flag:
/// with line buffering a failed line is written, and fails, long before the final flush).
func standardOutputHasFailed() -> Bool {
    ferror(stdout) != 0
}
