import Testing
import ReproRuns

/// Inputs that the fuzz targets in `Fuzz/` (scripts/fuzz.sh) showed to escape a run-file reader's
/// contract, kept as literal bytes with the error the fixed reader gives. A decoder must return a
/// value or throw `RunFileError` for any bytes.
@Suite struct FuzzRegressionTests {
    /// fuzz-checkpoint: a checkpoint (valid checksum, valid header) whose F32 tensor `model.w` has
    /// shape [1, 1, 1, 1, 1] made `Checkpoint.decode` throw `TensorError` ("rank 5 exceeds the maximum
    /// rank 4") instead of a `RunFileError`, so callers that catch `RunFileError` (resume skips
    /// damaged checkpoints that way) missed it. The file: the header length 968 (little-endian), the
    /// header (padded with 3 spaces), then the tensor's 4 bytes (1.0).
    @Test func aTensorOfRankAboveFourIsARunFileError() {
        let header = [
            #"{"__metadata__":{"repro":"{\"configuration\":{\"allowNondeterministic\":false"#,
            #",\"augmentNoise\":0.5,\"augmentShift\":0,\"batchSize\":64,\"benchmark\":false"#,
            #",\"checkpointEvery\":3,\"dataSeed\":0,\"dataset\":\"digits\",\"dropout\":0.1,\"epochs\":10"#,
            #",\"hiddenSizes\":[2],\"learningRate\":0.05,\"maxSteps\":6,\"model\":\"mlp\",\"momentum\":0.9"#,
            #",\"optimizer\":\"sgd\",\"schedule\":\"cosine\",\"seed\":42,\"validationFraction\":0.2"#,
            #",\"warmupSteps\":0,\"weightDecay\":0},\"format\":\"repro-checkpoint\",\"loader\":{\"batch\":3"#,
            #",\"batchSize\":64,\"datasetCount\":1438,\"dropLast\":false,\"epoch\":0,\"sampler\":\"s\""#,
            #",\"seed\":1},\"optimizer\":{\"algorithm\":\"SGD\",\"learningRate\":0.05,\"parameters\":[]"#,
            #",\"stepCount\":3},\"seed\":{\"deterministicHashing\":false,\"drawn\":false,\"seed\":42"#,
            #",\"streams\":{}},\"step\":3,\"version\":1}""#,
            #","sha256":"e7853536d01ad35e803f58060434dd569a5f1f495ccb1f2ca9e74fa7730598fa"}"#,
            #","model.w":{"dtype":"F32","shape":[1,1,1,1,1],"data_offsets":[0,4]}}"#,
            "   ",  // the padding to a multiple of 8
        ].joined()
        #expect(header.utf8.count == 968)
        let bytes: [UInt8] = [0xc8, 0x03, 0, 0, 0, 0, 0, 0] + Array(header.utf8) + [0x00, 0x00, 0x80, 0x3f]
        let error = #expect(throws: RunFileError.self) { try Checkpoint.decode(bytes, source: "rank5.safetensors") }
        #expect(error?.description == "rank5.safetensors: tensor 'model.w': rank 5 (shape [1, 1, 1, 1, 1]) exceeds the maximum rank 4")
    }
}
