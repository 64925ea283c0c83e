#if canImport(Glibc)
import Glibc
#endif

/// Keeps the memory a training loop frees for its next step, instead of returning it to the
/// operating system and faulting it in again.
///
/// A training step allocates and frees the same large buffers every time (activations, and weight
/// gradients of several MiB). glibc's malloc serves buffers above a threshold with `mmap` and
/// gives the top of its heap back to the system once more than a threshold is free there; both
/// thresholds start small (128 KiB). So each step's fresh gradients are new pages, and touching a
/// new page costs a fault and a clear (measured: 125,000 faults and 11.6 % of the time of the
/// 784-1024-1024-10 MLP step at batch 256, 0.4 % after this call; `Benchmarks/results/train.md`).
/// This is the effect of running PyTorch with jemalloc or `MALLOC_TRIM_THRESHOLD_`, the usual
/// advice for CPU training.
///
/// `keepFreedMemory()` sets glibc's `M_MMAP_THRESHOLD` to its largest value (32 MiB: smaller
/// buffers come from the heap) and `M_TRIM_THRESHOLD` to 256 MiB (the free top of the heap is kept
/// up to that size). It changes speed and the memory the process keeps, never a result.
/// ``Trainer`` in ReproRuns calls it when training starts; call it yourself in your own loop.
public enum AllocatorTuning {
    /// The `M_MMAP_THRESHOLD` set: glibc's maximum on 64-bit systems.
    public static let mmapThreshold = 32 << 20
    /// The `M_TRIM_THRESHOLD` set.
    public static let trimThreshold = 256 << 20

    /// Applies the settings above; idempotent and cheap.
    ///
    /// - Returns: whether they were applied: false where the C library is not glibc (or refused
    ///   them), where the allocator's defaults stay.
    @discardableResult
    public static func keepFreedMemory() -> Bool {
        #if canImport(Glibc)
        // mallopt is declared in <malloc.h>, which the Glibc module does not import; the option
        // numbers are glibc's ABI (M_TRIM_THRESHOLD -1, M_MMAP_THRESHOLD -3).
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "mallopt") else { return false }
        let mallopt = unsafeBitCast(symbol, to: (@convention(c) (Int32, Int32) -> Int32).self)
        return mallopt(-3, Int32(mmapThreshold)) == 1 && mallopt(-1, Int32(trimThreshold)) == 1
        #else
        return false
        #endif
    }
}
