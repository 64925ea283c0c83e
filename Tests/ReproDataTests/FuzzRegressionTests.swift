import Testing
import ReproData

/// Inputs that the fuzz targets in `Fuzz/` (scripts/fuzz.sh) found to crash a reader, each kept as
/// literal bytes with the error the fixed reader gives. A fuzz target passes an input only when the
/// reader returns a value or throws its error type; these tests pin the errors.
@Suite struct FuzzRegressionTests {
    /// The IDX dataset error for `images.idx` and `labels.idx`, or nil when the pair is accepted.
    private func idxError(images: [UInt8], labels: [UInt8], sourceLocation: SourceLocation = #_sourceLocation) -> String? {
        #expect(throws: DataError.self, sourceLocation: sourceLocation) {
            try IDXReader.parse(images: images, imagesSource: "images.idx", labels: labels, labelsSource: "labels.idx")
        }?.description
    }

    /// An IDX file of 2 labels of `type` (0d f32, 0e f64) whose first is `first` and second is 0.
    private func labels(_ type: UInt8, _ first: Double) -> [UInt8] {
        let body: [UInt8] = type == 0x0d
            ? (0..<4).reversed().map { UInt8(truncatingIfNeeded: Float(first).bitPattern >> (8 * $0)) } + [0, 0, 0, 0]
            : (0..<8).reversed().map { UInt8(truncatingIfNeeded: first.bitPattern >> (8 * $0)) } + [0, 0, 0, 0, 0, 0, 0, 0]
        return [0, 0, type, 1, 0, 0, 0, 2] + body
    }

    /// 2 images of 1 u8 pixel.
    private let images: [UInt8] = [0, 0, 0x08, 2, 0, 0, 0, 2, 0, 0, 0, 1, 7, 9]

    /// fuzz-idx, crash-856f8416: an f64 label of -3.15e231 trapped in `Int(_:)` ("Double value cannot
    /// be converted to Int because the result would be less than Int.min"). The images are a gzip
    /// file of i16 [2, 1]; the labels an f64 file of [-3.152794309511059e+231, 0].
    @Test func hugeNegativeFloat64LabelIsAnError() {
        let images: [UInt8] = [
            0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x03, 0x63, 0x60, 0xe0, 0x66, 0x62, 0x60,
            0x60, 0x00, 0x61, 0xc6, 0xff, 0x3f, 0x19, 0x75, 0x00, 0xc9, 0xd7, 0x9a, 0x9f, 0x10, 0x00, 0x00, 0x00,
        ]
        let labels: [UInt8] = [
            0x00, 0x00, 0x0e, 0x01, 0x00, 0x00, 0x00, 0x02, 0xf0, 0x00, 0x3f, 0x00, 0x00, 0x00, 0x00, 0x00,
            0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
        ]
        #expect(idxError(images: images, labels: labels)
                == "labels.idx: offset 8: expected a non-negative label, found -3.152794309511059e+231 (sample 0)")
    }

    /// The known bug behind that crash: a label of -inf, or a negative one below `Int.min` (-2^100
    /// here, exact in both types), in an f32 or f64 labels file trapped; every non-integer or
    /// out-of-range label is an error naming the file, the offset and the value.
    @Test(arguments: [UInt8(0x0d), 0x0e])
    func nonFiniteAndHugeLabelsAreErrors(type: UInt8) {
        let name = type == 0x0d ? "f32" : "f64"
        for (value, expected) in [
            (-Double.infinity, "expected an integer label, found -inf"),
            (Double.infinity, "expected an integer label, found inf"),
            (Double.nan, "expected an integer label, found nan"),
            (-0x1p100, "expected a non-negative label, found -1.2676506002282294e+30"),
            (0x1p100, "expected a label of at most 2147483647, found 1.2676506002282294e+30"),
            (-3e9, "expected a non-negative label, found -3000000000.0"),
            (-1, "expected a non-negative label, found -1"),
            (0.5, "expected an integer label, found 0.5"),
        ] {
            #expect(idxError(images: images, labels: labels(type, value))
                    == "labels.idx: offset 8: \(expected) (sample 0)", "\(name) \(value)")
        }
    }
}
