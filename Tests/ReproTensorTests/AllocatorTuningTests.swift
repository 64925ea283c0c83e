import Testing
@testable import ReproTensor

@Suite struct AllocatorTuningTests {
    /// glibc takes both settings (mallopt returns 1); elsewhere the call reports that it did nothing.
    @Test func glibcKeepsFreedMemory() {
        #if canImport(Glibc)
        #expect(AllocatorTuning.keepFreedMemory())
        #expect(AllocatorTuning.keepFreedMemory(), "a second call is harmless")
        #else
        #expect(!AllocatorTuning.keepFreedMemory())
        #endif
    }
}
