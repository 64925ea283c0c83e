#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Open MPI's C API, loaded with `dlopen` when a process finds itself started by `mpirun`, so that
/// Repro builds, and runs single-process, on machines without MPI (docs/ARCHITECTURE.md §12).
///
/// Open MPI's ABI, not the MPI standard's: its handles (`MPI_Comm`, `MPI_Datatype`, `MPI_Op`,
/// `MPI_Request`) are pointers, and the predefined ones are the addresses of exported globals
/// (`MPI_COMM_WORLD` is `&ompi_mpi_comm_world`); `MPI_IN_PLACE` is `(void *) 1` and
/// `MPI_STATUS_IGNORE` a null pointer (`mpi.h` of Open MPI 4 and 5). MPICH's integer handles are
/// not supported.
final class MPILibrary: @unchecked Sendable {
    typealias Handle = OpaquePointer
    typealias Request = OpaquePointer?

    /// `MPI_COMM_WORLD`, `MPI_INT32_T`, `MPI_INT64_T`, `MPI_BYTE`, `MPI_SUM`, `MPI_MAX`, `MPI_ERRORS_RETURN`.
    let world, int32, int64, byte, opSum, opMax, errorsReturn: Handle

    let initialized: @convention(c) (UnsafeMutablePointer<Int32>) -> Int32
    let initThread: @convention(c) (UnsafeMutableRawPointer?, UnsafeMutableRawPointer?, Int32,
                                     UnsafeMutablePointer<Int32>) -> Int32
    let finalize: @convention(c) () -> Int32
    let abort: @convention(c) (Handle, Int32) -> Int32
    let commRank: @convention(c) (Handle, UnsafeMutablePointer<Int32>) -> Int32
    let commSize: @convention(c) (Handle, UnsafeMutablePointer<Int32>) -> Int32
    let commSetErrhandler: @convention(c) (Handle, Handle) -> Int32
    let processorName: @convention(c) (UnsafeMutablePointer<CChar>, UnsafeMutablePointer<Int32>) -> Int32
    let errorString: @convention(c) (Int32, UnsafeMutablePointer<CChar>, UnsafeMutablePointer<Int32>) -> Int32
    /// `MPI_Iallreduce(sendbuf, recvbuf, count, datatype, op, comm, request)`.
    let iallreduce: @convention(c) (UnsafeRawPointer?, UnsafeMutableRawPointer?, Int32, Handle, Handle, Handle,
                                    UnsafeMutablePointer<Request>) -> Int32
    /// `MPI_Ibcast(buffer, count, datatype, root, comm, request)`.
    let ibcast: @convention(c) (UnsafeMutableRawPointer?, Int32, Handle, Int32, Handle, UnsafeMutablePointer<Request>) -> Int32
    /// `MPI_Iallgather(sendbuf, sendcount, sendtype, recvbuf, recvcount, recvtype, comm, request)`.
    let iallgather: @convention(c) (UnsafeRawPointer?, Int32, Handle, UnsafeMutableRawPointer?, Int32, Handle, Handle,
                                    UnsafeMutablePointer<Request>) -> Int32
    /// `MPI_Isend(buf, count, datatype, dest, tag, comm, request)`.
    let isend: @convention(c) (UnsafeRawPointer?, Int32, Handle, Int32, Int32, Handle, UnsafeMutablePointer<Request>) -> Int32
    /// `MPI_Irecv(buf, count, datatype, source, tag, comm, request)`.
    let irecv: @convention(c) (UnsafeMutableRawPointer?, Int32, Handle, Int32, Int32, Handle, UnsafeMutablePointer<Request>) -> Int32
    /// `MPI_Test(request, flag, status)`.
    let test: @convention(c) (UnsafeMutablePointer<Request>, UnsafeMutablePointer<Int32>, UnsafeMutableRawPointer?) -> Int32

    /// `MPI_THREAD_SERIALIZED`: MPI is called by one thread at a time (the training thread).
    static let threadSerialized: Int32 = 2
    /// `MPI_IN_PLACE`.
    static var inPlace: UnsafeRawPointer? { UnsafeRawPointer(bitPattern: 1) }

    /// The library names tried, in order: Debian's and most distributions' Open MPI 4 and 5, or
    /// `REPRO_MPI_LIBRARY`.
    static let candidates = ["libmpi.so.40", "libmpi.so"]

    /// Loads Open MPI.
    ///
    /// - Throws: ``DistributedError`` when no candidate loads or a symbol is missing (another MPI).
    init(path: String? = nil) throws(DistributedError) {
        var failures: [String] = []
        var handle: UnsafeMutableRawPointer?
        for name in path.map({ [$0] }) ?? Self.candidates {
            handle = dlopen(name, RTLD_NOW | RTLD_GLOBAL)
            if handle != nil { break }
            failures.append(dlerror().map { String(cString: $0) } ?? name)
        }
        guard let handle else {
            throw DistributedError("cannot load Open MPI (\(failures.joined(separator: "; "))): install it "
                                   + "(Debian: apt-get install libopenmpi-dev openmpi-bin) or set REPRO_MPI_LIBRARY")
        }
        func symbol<T>(_ name: String) throws(DistributedError) -> T {
            guard let address = dlsym(handle, name) else {
                throw DistributedError("the MPI library has no symbol \(name): Repro supports Open MPI only")
            }
            return unsafeBitCast(address, to: T.self)
        }
        func global(_ name: String) throws(DistributedError) -> Handle {
            guard let address = dlsym(handle, name) else {
                throw DistributedError("the MPI library has no symbol \(name): Repro supports Open MPI only")
            }
            return Handle(address)
        }
        world = try global("ompi_mpi_comm_world")
        int32 = try global("ompi_mpi_int32_t")
        int64 = try global("ompi_mpi_int64_t")
        byte = try global("ompi_mpi_byte")
        opSum = try global("ompi_mpi_op_sum")
        opMax = try global("ompi_mpi_op_max")
        errorsReturn = try global("ompi_mpi_errors_return")
        initialized = try symbol("MPI_Initialized")
        initThread = try symbol("MPI_Init_thread")
        finalize = try symbol("MPI_Finalize")
        abort = try symbol("MPI_Abort")
        commRank = try symbol("MPI_Comm_rank")
        commSize = try symbol("MPI_Comm_size")
        commSetErrhandler = try symbol("MPI_Comm_set_errhandler")
        processorName = try symbol("MPI_Get_processor_name")
        errorString = try symbol("MPI_Error_string")
        iallreduce = try symbol("MPI_Iallreduce")
        ibcast = try symbol("MPI_Ibcast")
        iallgather = try symbol("MPI_Iallgather")
        isend = try symbol("MPI_Isend")
        irecv = try symbol("MPI_Irecv")
        test = try symbol("MPI_Test")
    }

    /// MPI's text for an error code.
    func message(for code: Int32) -> String {
        var buffer = [CChar](repeating: 0, count: 512)
        var length: Int32 = 0
        guard errorString(code, &buffer, &length) == 0 else { return "MPI error \(code)" }
        return String(decoding: buffer.prefix(Int(length)).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}

/// A failure of the process group: MPI missing or failing, a collective that timed out, ranks
/// that disagree.
public struct DistributedError: Error, CustomStringConvertible, Sendable {
    public let message: String
    public var description: String { message }

    public init(_ message: String) { self.message = message }
}
