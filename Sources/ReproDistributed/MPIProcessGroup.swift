#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The processes `mpirun` started (`MPI_COMM_WORLD`), through Open MPI loaded at run time.
///
/// Every collective is non-blocking and polled against a deadline (``timeout``): a process that
/// stops answering does not hang the others. When a collective times out, the processes still
/// waiting hold a roll call (a small message to every other process, answered by those waiting in the
/// same collective) and the error names the ranks that did not answer, with their hosts. A process
/// that dies is usually noticed first by `mpirun`, which ends the job and names it.
public final class MPIProcessGroup: ProcessGroup, @unchecked Sendable {
    public let rank: Int
    public let size: Int
    public private(set) var hosts: [String] = []
    /// How long a collective may wait for the other processes.
    public let timeout: Double
    private let mpi: MPILibrary
    /// The collectives called so far: the roll call's tag, so that answers match the collective.
    private var sequence: Int32 = 0

    /// Whether this process was started by Open MPI's `mpirun` (its environment says so).
    public static var isLaunchedByMPI: Bool {
        getenv("OMPI_COMM_WORLD_SIZE") != nil
    }

    /// Joins the processes `mpirun` started: loads Open MPI (`libraryPath`, else
    /// `REPRO_MPI_LIBRARY`, else the usual names), initialises it, and exchanges host names.
    ///
    /// - Parameter timeout: seconds a collective may wait for the other processes.
    /// - Throws: ``DistributedError`` when MPI cannot be loaded or initialised.
    public init(timeout: Double = 60, libraryPath: String? = nil) throws {
        mpi = try MPILibrary(path: libraryPath ?? getenv("REPRO_MPI_LIBRARY").map { String(cString: $0) })
        self.timeout = timeout
        var flag: Int32 = 0
        _ = mpi.initialized(&flag)
        if flag == 0 {
            var provided: Int32 = 0
            let code = mpi.initThread(nil, nil, MPILibrary.threadSerialized, &provided)
            guard code == 0 else { throw DistributedError("MPI_Init_thread failed: \(mpi.message(for: code))") }
        }
        _ = mpi.commSetErrhandler(mpi.world, mpi.errorsReturn)
        var value: Int32 = 0
        _ = mpi.commRank(mpi.world, &value)
        rank = Int(value)
        _ = mpi.commSize(mpi.world, &value)
        size = Int(value)
        var name = [CChar](repeating: 0, count: 256)
        var length: Int32 = 0
        _ = mpi.processorName(&name, &length)
        let host = String(decoding: name.prefix(Int(length)).map { UInt8(bitPattern: $0) }, as: UTF8.self)
        hosts = try gather(Array(host.utf8), what: "the exchange of host names").map { String(decoding: $0, as: UTF8.self) }
    }

    /// Whether ``finish()`` was called.
    private var finished = false

    public func sum(_ values: inout [Int64], what: String) throws {
        try allReduce(&values, type: mpi.int64, operation: mpi.opSum, what: what)
    }

    public func maximum(_ values: inout [Int32], what: String) throws {
        try allReduce(&values, type: mpi.int32, operation: mpi.opMax, what: what)
    }

    public func gather(_ bytes: [UInt8], what: String) throws -> [[UInt8]] {
        var lengths = [Int32](repeating: 0, count: size)
        lengths[rank] = Int32(bytes.count)
        try maximumOfEach(&lengths, what: what)
        let width = Int(lengths.max() ?? 0)
        let padded = bytes + [UInt8](repeating: 0, count: width - bytes.count)
        var all = [UInt8](repeating: 0, count: width * size)
        // The buffers stay put until the collective completes: it runs inside their closures.
        try padded.withUnsafeBytes { send in
            try all.withUnsafeMutableBytes { receive in
                try run(what) { request in
                    mpi.iallgather(send.baseAddress, Int32(width), mpi.byte, receive.baseAddress, Int32(width), mpi.byte,
                                   mpi.world, request)
                }
            }
        }
        return (0..<size).map { Array(all[$0 * width..<$0 * width + Int(lengths[$0])]) }
    }

    public func finish() {
        guard !finished else { return }
        finished = true
        _ = mpi.finalize()
    }

    public func abort(code: Int32) -> Never {
        _ = mpi.abort(mpi.world, code)
        exit(code)
    }

    /// The lengths every process put at its own rank (zero elsewhere), combined with MPI_MAX.
    private func maximumOfEach(_ lengths: inout [Int32], what: String) throws {
        try allReduce(&lengths, type: mpi.int32, operation: mpi.opMax, what: what)
    }

    private func allReduce<T>(_ values: inout [T], type: MPILibrary.Handle, operation: MPILibrary.Handle,
                              what: String) throws {
        // MPI counts are Int32: a larger array is reduced in pieces (the same pieces everywhere).
        let piece = Int(Int32.max) / 2
        var start = 0
        try values.withUnsafeMutableBufferPointer { buffer in
            repeat {
                let count = min(piece, buffer.count - start)
                try run(what) { request in
                    mpi.iallreduce(MPILibrary.inPlace, UnsafeMutableRawPointer(buffer.baseAddress.map { $0 + start }),
                                   Int32(count), type, operation, mpi.world, request)
                }
                start += count
            } while start < buffer.count
        }
    }

    /// Starts a non-blocking collective with `start` and waits for it until ``timeout``; then holds
    /// the roll call and throws. The collective's buffers must stay valid until this returns.
    private func run(_ what: String, _ start: (UnsafeMutablePointer<MPILibrary.Request>) -> Int32) throws {
        sequence &+= 1
        var request: MPILibrary.Request = nil
        let code = start(&request)
        guard code == 0 else {
            throw DistributedError("rank \(rank): \(what) failed: \(mpi.message(for: code))")
        }
        if try wait(&request, seconds: timeout, what: what) { return }
        let silent = rollCall()
        let names = silent.map { "rank \($0)" + (hosts.indices.contains($0) ? " on \(hosts[$0])" : "") }
        throw DistributedError("rank \(rank): \(what) did not complete within \(timeout) s: "
                               + (names.isEmpty ? "every process answered a roll call, so MPI itself is stuck"
                                  : "\(names.joined(separator: ", ")) stopped answering"))
    }

    /// Polls `request` until it completes (true) or `seconds` pass (false).
    private func wait(_ request: inout MPILibrary.Request, seconds: Double, what: String) throws -> Bool {
        let deadline = Self.now() + seconds
        var polls = 0
        while true {
            var done: Int32 = 0
            let code = mpi.test(&request, &done, nil)
            guard code == 0 else { throw DistributedError("rank \(rank): \(what) failed: \(mpi.message(for: code))") }
            if done != 0 { return true }
            polls += 1
            // Spin briefly (a collective of a training step completes in milliseconds), then yield.
            if polls > 1000 {
                if Self.now() > deadline { return false }
                usleep(50)
            }
        }
    }

    /// The ranks that do not answer within a few seconds a message sent to each by the processes
    /// waiting in this collective (tagged with its sequence number).
    private func rollCall() -> [Int] {
        let others = (0..<size).filter { $0 != rank }
        let tag = 1000 + sequence % 30_000
        let outgoing = [Int32](repeating: sequence, count: size)
        var answers = [Int32](repeating: -1, count: size)
        var sends = [MPILibrary.Request](repeating: nil, count: size)
        var receives = [MPILibrary.Request](repeating: nil, count: size)
        outgoing.withUnsafeBufferPointer { outgoing in answers.withUnsafeMutableBufferPointer { answers in
            for other in others {
                _ = mpi.isend(outgoing.baseAddress! + other, 1, mpi.int32, Int32(other), tag, mpi.world, &sends[other])
                _ = mpi.irecv(answers.baseAddress! + other, 1, mpi.int32, Int32(other), tag, mpi.world, &receives[other])
            }
            let deadline = Self.now() + min(10, max(2, timeout / 10))
            var pending = Set(others)
            while !pending.isEmpty && Self.now() < deadline {
                for other in pending {
                    var done: Int32 = 0
                    if mpi.test(&receives[other], &done, nil) == 0, done != 0 { pending.remove(other) }
                }
                usleep(1000)
            }
        } }
        return others.filter { answers[$0] != sequence }
    }

    private static func now() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
    }
}
