import Foundation
import Testing
import ReproData

/// An IDX file: magic, `type`, the sizes of `shape` big-endian, then `body`.
private func idx(_ type: UInt8, _ shape: [UInt32], _ body: [UInt8]) -> [UInt8] {
    [0, 0, type, UInt8(shape.count)] + shape.flatMap { size in (0..<4).reversed().map { UInt8(truncatingIfNeeded: size >> (8 * $0)) } }
        + body
}

/// The big-endian bytes of `values`.
private func bigEndian(_ values: [Float]) -> [UInt8] {
    values.flatMap { value in (0..<4).reversed().map { UInt8(truncatingIfNeeded: value.bitPattern >> (8 * $0)) } }
}

private func bigEndian(_ values: [Double]) -> [UInt8] {
    values.flatMap { value in (0..<8).reversed().map { UInt8(truncatingIfNeeded: value.bitPattern >> (8 * $0)) } }
}

/// The description of the error `parseArray` gives for `bytes`, named `t.idx`.
private func arrayError(_ bytes: [UInt8], sourceLocation: SourceLocation = #_sourceLocation) -> String? {
    dataError(sourceLocation: sourceLocation) { try IDXReader.parseArray(bytes, source: "t.idx") }?.description
}

/// The description of the error making a dataset of `images.idx` and `labels.idx` gives.
private func datasetError(images: [UInt8], labels: [UInt8], classCount: Int? = nil,
                          sourceLocation: SourceLocation = #_sourceLocation) -> String? {
    dataError(sourceLocation: sourceLocation) {
        try IDXReader.parse(images: images, imagesSource: "images.idx", labels: labels, labelsSource: "labels.idx",
                            classCount: classCount)
    }?.description
}

@Suite struct IDXReaderVectorTests {
    @Test(arguments: ReaderVectors.shared.arrays.map(\.file))
    func arrayMatchesNumpy(file: String) throws {
        let entry = try #require(ReaderVectors.shared.arrays.first { $0.file == file })
        let array = try IDXReader.parseArray(try ReaderVectors.bytes(file), source: file)
        #expect(array.dataType.description == entry.dtype)
        #expect(array.shape == entry.shape)
        #expect(array.count == entry.values.count)
        #expect(array.doubles.map(\.bitPattern) == entry.values.map(\.bitPattern))
        if array.dataType.isInteger {
            #expect(array.integers == entry.values.map { Int($0) })
        } else {
            #expect(array.integers == nil)
        }
    }

    @Test func fixturesCoverEveryType() {
        #expect(Set(ReaderVectors.shared.arrays.map(\.dtype)) == Set(IDXArray.DataType.allCases.map(\.description)))
        #expect(ReaderVectors.shared.arrays.contains { $0.shape.count == 3 })
        #expect(ReaderVectors.shared.idx.contains { $0.images.hasSuffix(".gz") && $0.labels.hasSuffix(".gz") })
    }

    @Test(arguments: ReaderVectors.shared.idx.indices)
    func datasetMatchesNumpy(index: Int) throws {
        let pair = ReaderVectors.shared.idx[index]
        let images = ReaderVectors.path(pair.images), labels = ReaderVectors.path(pair.labels)
        let dataset = try IDXReader.read(images: images, labels: labels, classCount: pair.classCount)
        expectDataset(dataset, equals: pair.expected, "\(pair.images) + \(pair.labels)")
        #expect(dataset.source == images)
        let parsed = try IDXReader.parse(images: try ReaderVectors.bytes(pair.images), imagesSource: images,
                                         labels: try ReaderVectors.bytes(pair.labels), labelsSource: labels,
                                         classCount: pair.classCount)
        #expect(parsed == dataset)
    }

    @Test func gzipAndPlainGiveTheSameDataset() throws {
        let plain = try IDXReader.read(images: ReaderVectors.path("images_u8.idx"), labels: ReaderVectors.path("labels_u8.idx"))
        let compressed = try IDXReader.read(images: ReaderVectors.path("images_u8.idx.gz"),
                                            labels: ReaderVectors.path("labels_u8.idx.gz"))
        #expect(plain.features == compressed.features)
        #expect(plain.labels == compressed.labels)
        #expect(plain.featureShape == compressed.featureShape && plain.featureShape == [3, 2])
        #expect(try IDXReader.parseArray(try ReaderVectors.bytes("images_u8.idx.gz"), source: "x")
                == IDXReader.parseArray(try ReaderVectors.bytes("images_u8.idx"), source: "x"))
    }

    /// Every prefix of every fixture is rejected with a ``DataError`` at some offset, never a trap.
    @Test(arguments: ReaderVectors.shared.arrays.map(\.file) + ["images_u8.idx.gz", "labels_u8.idx.gz"])
    func truncationAtEveryOffsetThrows(file: String) throws {
        let data = try ReaderVectors.bytes(file)
        for cut in 0..<data.count {
            let error = dataError { try IDXReader.parseArray(Array(data.prefix(cut)), source: file) }
            #expect(error?.location.hasPrefix("offset ") == true, "cut at \(cut): \(error?.description ?? "")")
        }
    }

    @Test func truncatedDataIsReportedAtTheStartOfTheData() throws {
        let data = try ReaderVectors.bytes("images_u8.idx")  // shape [5, 3, 2]: 16 header bytes, 30 data bytes
        for cut in 16..<data.count {
            #expect(arrayError(Array(data.prefix(cut)))
                    == "t.idx: offset 16: expected 30 bytes of data for shape [5, 3, 2] of type u8, found \(cut - 16)")
        }
    }
}

@Suite struct IDXReaderErrorTests {
    @Test func wrongMagicQuotesTheFirstBytes() {
        let zip: [UInt8] = [0x50, 0x4b, 3, 4] + [UInt8](repeating: 0, count: 20)
        #expect(arrayError(zip)
                == "t.idx: offset 0: expected the IDX magic 00 00 <type> <dimension count>, found 50 4b 03 04 (not an IDX file)")
        #expect(arrayError([0, 1, 8, 1, 0, 0, 0, 0])
                == "t.idx: offset 0: expected the IDX magic 00 00 <type> <dimension count>, found 00 01 08 01 (not an IDX file)")
        #expect(arrayError([0x1f]) == "t.idx: offset 0: expected the IDX magic 00 00 <type> <dimension count>, found 1f (not an IDX file)")
        #expect(arrayError([]) == "t.idx: offset 0: expected the IDX magic 00 00 <type> <dimension count>, found an empty file")
    }

    @Test func corruptGzipIsAGzipError() throws {
        let data = try ReaderVectors.bytes("images_u8.idx.gz")
        var bad = data
        bad[data.count - 1] ^= 1  // the length in the trailer
        let error = dataError { try IDXReader.parseArray(bad, source: "t.idx.gz") }
        #expect(error?.location == "offset \(data.count - 4)")
        #expect(error?.message.hasPrefix("invalid gzip data: expected length 46 (mod 2^32)") == true, "\(error?.description ?? "")")
    }

    @Test func headerErrors() {
        #expect(arrayError([0, 0, 0x0a, 1, 0, 0, 0, 0])
                == "t.idx: offset 2: expected an IDX type byte 08 (u8), 09 (i8), 0b (i16), 0c (i32), 0d (f32) or 0e (f64), found 0a")
        #expect(arrayError([0, 0, 8, 0]) == "t.idx: offset 3: expected at least 1 dimension, found 0")
        #expect(arrayError([0, 0, 8]) == "t.idx: offset 3: expected the 4-byte IDX magic 00 00 <type> <dimension count>, found end of data")
        #expect(arrayError([0, 0, 8, 3, 0, 0, 0, 2, 0, 0])
                == "t.idx: offset 10: expected 3 dimension sizes (big-endian UInt32) in bytes 4..<16, found end of data")
    }

    @Test func dataLengthMustMatchTheShape() {
        #expect(arrayError(idx(0x08, [2, 3], [1, 2, 3, 4, 5]))
                == "t.idx: offset 12: expected 6 bytes of data for shape [2, 3] of type u8, found 5")
        #expect(arrayError(idx(0x0b, [2], [0, 1, 0])) == "t.idx: offset 8: expected 4 bytes of data for shape [2] of type i16, found 3")
        #expect(arrayError(idx(0x08, [2], [1, 2, 3]))
                == "t.idx: offset 10: expected the end of the file after the data for shape [2] of type u8, found 1 more bytes")
        #expect(arrayError(idx(0x0e, [0xffff_ffff, 0xffff_ffff, 0xffff_ffff], []))
                == "t.idx: offset 4: expected dimension sizes whose product fits in memory, found shape "
                + "[4294967295, 4294967295, 4294967295] of type f64")
    }

    @Test func zeroSizeArraysAreArraysIfTheOtherSizesFit() throws {
        let array = try IDXReader.parseArray(idx(0x0e, [0xffff_ffff, 0, 0x1_0000], []), source: "t.idx")
        #expect(array.shape == [4_294_967_295, 0, 65536] && array.count == 0)
        #expect(arrayError(idx(0x08, [0xffff_ffff, 0xffff_ffff, 0], []))
                == "t.idx: offset 4: expected dimension sizes whose product fits in memory, found shape "
                + "[4294967295, 4294967295, 0] of type u8")
    }

    @Test func valuesAreBigEndianAndExact() throws {
        let i32 = try IDXReader.parseArray(idx(0x0c, [2], [0x80, 0, 0, 0, 0x01, 0x00, 0x00, 0x01]), source: "t.idx")
        #expect(i32.integers == [-2_147_483_648, 16_777_217])
        #expect(i32.floats == [-2_147_483_648, 16_777_216])
        let i8 = try IDXReader.parseArray(idx(0x09, [3], [0xff, 0x80, 0x7f]), source: "t.idx")
        #expect(i8.values == .int8([-1, -128, 127]))
        let f64 = try IDXReader.parseArray(idx(0x0e, [2], bigEndian([0.1, -Double.infinity])), source: "t.idx")
        #expect(f64.values == .float64([0.1, -.infinity]))
        #expect(f64.floats == [0.1, -.infinity])
    }

    @Test func imagesAndLabelsMustAgree() {
        let images = idx(0x08, [3, 2], [1, 2, 3, 4, 5, 6])
        #expect(datasetError(images: images, labels: idx(0x08, [2], [0, 1]))
                == "labels.idx: offset 4: expected 3 labels, one per image in images.idx, found 2")
        #expect(datasetError(images: images, labels: idx(0x08, [3, 1], [0, 1, 2]))
                == "labels.idx: offset 3: expected labels with 1 dimension, found shape [3, 1]")
        #expect(datasetError(images: idx(0x08, [3], [1, 2, 3]), labels: idx(0x08, [3], [0, 1, 2]))
                == "images.idx: offset 3: expected images with at least 2 dimensions (samples, then each sample's shape), found shape [3]")
        #expect(datasetError(images: idx(0x08, [0, 2], []), labels: idx(0x08, [0], []))
                == "images.idx: offset 4: the dataset is empty: the images have shape [0, 2]")
        #expect(datasetError(images: idx(0x08, [2, 0], []), labels: idx(0x08, [2], [0, 1]))
                == "images.idx: offset 8: expected every dimension of an image to be at least 1, found shape [2, 0]")
        #expect(datasetError(images: images, labels: idx(0x08, [3], [0, 1, 2]), classCount: 0)
                == "images.idx: classCount must be at least 1, got 0")
    }

    @Test func labelsMustBeIntegersInRange() {
        let images = idx(0x08, [3, 2], [1, 2, 3, 4, 5, 6])
        #expect(datasetError(images: images, labels: idx(0x09, [3], [1, 0xff, 0]))
                == "labels.idx: offset 9: expected a non-negative label, found -1 (sample 1)")
        #expect(datasetError(images: images, labels: idx(0x08, [3], [0, 1, 2]), classCount: 2)
                == "labels.idx: offset 10: expected a label in 0..<2 (classCount), found 2 (sample 2)")
        #expect(datasetError(images: images, labels: idx(0x0d, [3], bigEndian([0, 1.5, 1] as [Float])))
                == "labels.idx: offset 12: expected an integer label, found 1.5 (sample 1)")
        #expect(datasetError(images: images, labels: idx(0x0d, [3], bigEndian([0, 1, .nan] as [Float])))
                == "labels.idx: offset 16: expected an integer label, found nan (sample 2)")
        #expect(datasetError(images: images, labels: idx(0x0e, [3], bigEndian([1e10, 1, 0] as [Double])))
                == "labels.idx: offset 8: expected a label of at most 2147483647, found 10000000000.0 (sample 0)")
        #expect(datasetError(images: images, labels: idx(0x0e, [3], bigEndian([0, -1, 0] as [Double])))
                == "labels.idx: offset 16: expected a non-negative label, found -1 (sample 1)")
    }

    @Test func imagesMustBeFiniteFloats() {
        let labels = idx(0x08, [2], [0, 1])
        #expect(datasetError(images: idx(0x0d, [2, 2], bigEndian([0, 1, 2, .nan] as [Float])), labels: labels)
                == "images.idx: offset 24: expected a finite value, found nan (sample 1, element 1)")
        #expect(datasetError(images: idx(0x0d, [2, 2], bigEndian([0, -.infinity, 2, 3] as [Float])), labels: labels)
                == "images.idx: offset 16: expected a finite value, found -inf (sample 0, element 1)")
        #expect(datasetError(images: idx(0x0e, [2, 1], bigEndian([1, 1e300] as [Double])), labels: labels)
                == "images.idx: offset 20: expected a finite value, found 1e+300 (beyond the Float range) (sample 1, element 0)")
    }

    @Test func arrayErrorsNameTheirOwnFile() {
        let images = idx(0x08, [2, 1], [1, 2])
        #expect(datasetError(images: images, labels: idx(0x08, [2], [0]))
                == "labels.idx: offset 8: expected 2 bytes of data for shape [2] of type u8, found 1")
        #expect(datasetError(images: Array(images.dropLast()), labels: idx(0x08, [2], [0, 1]))
                == "images.idx: offset 12: expected 2 bytes of data for shape [2, 1] of type u8, found 1")
    }

    @Test func unreadableFilesNameThePath() {
        let missing = ReaderVectors.path("no-such-images.idx")
        #expect(dataError { try IDXReader.read(images: missing, labels: ReaderVectors.path("labels_u8.idx")) }?.description
                == "\(missing): cannot read the file: No such file or directory")
        let missingLabels = ReaderVectors.path("no-such-labels.idx")
        #expect(dataError { try IDXReader.read(images: ReaderVectors.path("images_u8.idx"), labels: missingLabels) }?.description
                == "\(missingLabels): cannot read the file: No such file or directory")
    }
}
