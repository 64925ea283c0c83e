import Foundation

/// The built-in `digits` dataset, embedded in the library (no download): 1797 handwritten digits
/// as 8×8 images of pixel counts 0…16 (64 features, row-major), labels 0…9.
///
/// The optical recognition of handwritten digits data set (test part) from the UCI Machine
/// Learning Repository, created by E. Alpaydin and C. Kaynak (1998), licensed CC BY 4.0; the copy
/// scikit-learn ships as `load_digits`. See NOTICE.
///
/// ```swift
/// let digits = try Digits.load()
/// let (train, validation) = try digits.split(validationFraction: 0.2, seed: dataSeed)
/// let normalization = try FeatureNormalization(fitting: train)
/// let loader = try DataLoader(train, batchSize: 64, shuffle: true, seed: loaderSeed,
///                             transforms: Digits.augmentation() + [normalization])
/// ```
public enum Digits {
    public static let count = 1797
    public static let height = 8
    public static let width = 8
    public static let classCount = 10
    /// The sha256 of the decompressed CSV text, checked on every load.
    public static let sha256 = "6ebb3d2fee246a4e99363262ddf8a00a3c41bee6014c373ed9d9216ba7f651b8"
    /// The name errors give for the embedded data.
    public static let source = "digits (embedded)"

    /// The dataset: feature shape `[64]`, 10 classes, samples in the file's order.
    ///
    /// - Throws: ``DataError`` when the embedded copy does not decompress or fails its checksum
    ///   (a damaged build; rebuilding from a clean checkout restores it).
    public static func load() throws -> TensorDataset {
        try parse(try EmbeddedFile.bytes(base64: compressedBase64, sha256: sha256, source: source, what: "data"), source: source)
    }

    /// Decompresses, verifies and parses a copy of the digits file.
    static func decode(_ compressed: [UInt8], source: String) throws -> TensorDataset {
        try parse(try EmbeddedFile.decompress(compressed, sha256: sha256, source: source, what: "data"), source: source)
    }

    /// Parses the verified CSV text.
    private static func parse(_ text: [UInt8], source: String) throws -> TensorDataset {
        let dataset = try CSVReader.parse(text, source: source, labelColumn: .last, header: .absent,
                                          classCount: classCount)
        guard dataset.count == count, dataset.featureShape == [height * width] else {
            throw DataError(source: source, "expected \(count) samples of \(height * width) features, found "
                            + "\(dataset.count) of \(dataset.featureCount)")
        }
        return dataset
    }

    /// The recipe's augmentation on raw pixels: a shift of up to `maxShift` pixels (uncovered
    /// pixels 0, the background), then Gaussian noise of `noise` pixel counts.
    public static func augmentation(maxShift: Int = 1, noise: Float = 1) throws -> [any SampleTransform<LabeledExample>] {
        [try RandomShift(height: height, width: width, maxShift: maxShift),
         try RandomNoise(standardDeviation: noise)]
    }
}
