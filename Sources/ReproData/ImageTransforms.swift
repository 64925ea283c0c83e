import ReproRandom

/// Adds Gaussian noise to every feature: `x + σ·z` in Float32, with `z` numpy's float32 standard
/// normals, `generator.standard_normal(n, dtype=np.float32)`, one per feature in order.
public struct RandomNoise: SampleTransform {
    /// The noise's standard deviation σ.
    public let standardDeviation: Float

    /// - Throws: ``DataError`` when σ is negative or not finite.
    public init(standardDeviation: Float) throws {
        guard standardDeviation >= 0, standardDeviation.isFinite else {
            throw DataError(source: "RandomNoise", "standardDeviation must be finite and non-negative, "
                            + "got \(standardDeviation)")
        }
        self.standardDeviation = standardDeviation
    }

    public func apply(to sample: LabeledExample, generator: inout Generator<Philox>) throws -> LabeledExample {
        var result = sample
        let sigma = standardDeviation
        result.features.withUnsafeMutableBufferPointer { features in
            withUnsafeTemporaryAllocation(of: Float.self, capacity: features.count) { noise in
                generator.fillStandardNormalFloat(noise)
                for j in features.indices { features[j] = features[j] + sigma * noise[j] }
            }
        }
        return result
    }
}

/// Shifts an image by whole pixels, filling the uncovered pixels with `fill`.
///
/// The shift is drawn as numpy's `dy = generator.integers(-m, m + 1)` then
/// `dx = generator.integers(-m, m + 1)`; output pixel (y, x) is input pixel (y − dy, x − dx) when
/// that is inside the image, else `fill`. Features are one `height × width` image in row-major order.
public struct RandomShift: SampleTransform {
    public let height: Int
    public let width: Int
    /// The largest shift m in either direction, in pixels.
    public let maxShift: Int
    /// The value of pixels shifted in from outside the image.
    public let fill: Float

    /// - Throws: ``DataError`` when the image size is not positive or `maxShift` is negative.
    public init(height: Int, width: Int, maxShift: Int, fill: Float = 0) throws {
        guard height >= 1, width >= 1, maxShift >= 0 else {
            throw DataError(source: "RandomShift", "expected height, width >= 1 and maxShift >= 0, "
                            + "got height \(height), width \(width), maxShift \(maxShift)")
        }
        self.height = height
        self.width = width
        self.maxShift = maxShift
        self.fill = fill
    }

    public func apply(to sample: LabeledExample, generator: inout Generator<Philox>) throws -> LabeledExample {
        guard sample.features.count == height * width else {
            throw DataError(source: "RandomShift", "expected \(height)×\(width) = \(height * width) features, "
                            + "got \(sample.features.count)")
        }
        let m = Int64(maxShift)
        let dy = Int(try generator.integers(-m, m + 1))
        let dx = Int(try generator.integers(-m, m + 1))
        var result = sample
        sample.features.withUnsafeBufferPointer { source in
            result.features.withUnsafeMutableBufferPointer { shifted in
                for y in 0..<height {
                    for x in 0..<width {
                        let (sy, sx) = (y - dy, x - dx)
                        shifted[y * width + x] = (0..<height).contains(sy) && (0..<width).contains(sx)
                            ? source[sy * width + sx] : fill
                    }
                }
            }
        }
        return result
    }
}
