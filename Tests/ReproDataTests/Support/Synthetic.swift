import ReproData

/// The synthetic dataset of `scripts/reference_loader.py`: feature j of sample i is
/// (31 i + 7 j) mod 17, label i mod 10, 64 features (an 8×8 image).
func syntheticDataset(count: Int, constantFeature: Int? = nil) throws -> TensorDataset {
    var features: [Float] = []
    for i in 0..<count {
        for j in 0..<64 { features.append(j == constantFeature ? 3 : Float((31 * i + 7 * j) % 17)) }
    }
    return try TensorDataset(features: features, featureShape: [64], labels: (0..<count).map { $0 % 10 },
                             classCount: 10, source: "synthetic")
}

/// The transforms of the loader vectors: a shift of up to 2 pixels, then noise with σ 0.25.
func vectorTransforms() throws -> [any SampleTransform<LabeledExample>] {
    [try RandomShift(height: 8, width: 8, maxShift: 2), try RandomNoise(standardDeviation: 0.25)]
}

/// Every `next()` result of `epochs` epochs, nil (the end of an epoch) included.
func drain<S: Dataset, B>(_ loader: DataLoader<S, B>, epochs: Int) throws -> [B?] {
    var results: [B?] = []
    var ended = 0
    while ended < epochs {
        let batch = try loader.next()
        results.append(batch)
        if batch == nil { ended += 1 }
    }
    return results
}

import Foundation

/// A value shared between threads, guarded by an `NSLock` (a pthread mutex, which
/// ThreadSanitizer understands; it reports `Synchronization.Mutex`'s futex-based locking on Linux
/// as a Swift access race now and then).
final class Locked<Value: Sendable>: @unchecked Sendable {
    private var value: Value
    private let lock = NSLock()
    init(_ value: Value) { self.value = value }
    func withLock<R>(_ body: (inout Value) -> R) -> R {
        lock.lock()
        defer { lock.unlock() }
        return body(&value)
    }
}
