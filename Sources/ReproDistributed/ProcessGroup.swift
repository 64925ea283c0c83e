#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The processes that train one run together: `size` processes numbered `0..<size`, and the few
/// collectives data-parallel training needs (docs/ARCHITECTURE.md §12). Every process calls the
/// same collectives in the same order.
///
/// Only exact collectives are offered (integer sums and maxima, copies of bytes): their results do
/// not depend on the number of processes or on the algorithm the library picks.
public protocol ProcessGroup: AnyObject, Sendable {
    /// This process's number, in `0..<size`.
    var rank: Int { get }
    /// The number of processes.
    var size: Int { get }
    /// Every process's host name, by rank.
    var hosts: [String] { get }

    /// Replaces `values` by their element-wise sum over the processes (the same count everywhere).
    /// `what` names the collective in a timeout's message ("the gradient sum of step 3").
    func sum(_ values: inout [Int64], what: String) throws
    /// Replaces `values` by their element-wise maximum over the processes.
    func maximum(_ values: inout [Int32], what: String) throws
    /// Every process's `bytes` (of any length), by rank.
    ///
    /// Each collective throws ``DistributedError`` when MPI fails or the collective times out.
    func gather(_ bytes: [UInt8], what: String) throws -> [[UInt8]]
    /// Ends this process's part in the group after its last collective (`MPI_Finalize`); every
    /// process calls it before exiting normally.
    func finish()
    /// Ends every process of the group at once, with `code` as the exit status (after an error that
    /// leaves the others waiting: `MPI_Abort`).
    func abort(code: Int32) -> Never
}

/// The group of one process: every collective returns its input.
public final class SingleProcess: ProcessGroup {
    public let rank = 0
    public let size = 1
    public let hosts: [String]

    public init() {
        var name = [CChar](repeating: 0, count: 256)
        hosts = [gethostname(&name, name.count) == 0
            ? String(decoding: name.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self) : "localhost"]
    }

    public func sum(_ values: inout [Int64], what: String) {}
    public func maximum(_ values: inout [Int32], what: String) {}
    public func gather(_ bytes: [UInt8], what: String) -> [[UInt8]] { [bytes] }
    public func finish() {}
    public func abort(code: Int32) -> Never { exit(code) }
}
