import Foundation
import Testing
import ReproRandom
@testable import ReproData

/// Parses `text` as a CSV file named `test.csv`.
private func parse(_ text: String, labelColumn: CSVReader.LabelColumn = .last, header: CSVReader.HeaderMode = .auto,
                   classCount: Int? = nil) throws -> TensorDataset {
    try CSVReader.parse(Array(text.utf8), source: "test.csv", labelColumn: labelColumn, header: header,
                        classCount: classCount)
}

/// The description of the error parsing `text` gives, or nil (recorded as a failure) when it parses.
private func csvError(_ text: String, labelColumn: CSVReader.LabelColumn = .last, header: CSVReader.HeaderMode = .auto,
                      classCount: Int? = nil, sourceLocation: SourceLocation = #_sourceLocation) -> String? {
    dataError(sourceLocation: sourceLocation) {
        try parse(text, labelColumn: labelColumn, header: header, classCount: classCount)
    }?.description
}

@Suite struct CSVReaderVectorTests {
    @Test(arguments: ReaderVectors.shared.csv.indices)
    func fixtureMatchesNumpyLoadtxt(index: Int) throws {
        let entry = ReaderVectors.shared.csv[index]
        let path = ReaderVectors.path(entry.file)
        let dataset = try CSVReader.read(path, labelColumn: entry.labelColumn, header: entry.header,
                                         classCount: entry.classCount)
        expectDataset(dataset, equals: entry.expected, entry.file)
        #expect(dataset.source == path)
        let parsed = try CSVReader.parse(try ReaderVectors.bytes(entry.file), source: path,
                                         labelColumn: entry.labelColumn, header: entry.header, classCount: entry.classCount)
        #expect(parsed == dataset)
    }

    @Test func fixturesCoverTheRequiredLayouts() {
        let files = Set(ReaderVectors.shared.csv.map(\.file))
        #expect(files.isSuperset(of: ["header_last.csv", "header_last.csv.gz", "noheader_first.csv", "middle_crlf.csv",
                                      "bom.csv", "blank_tail.csv"]))
    }

    @Test func gzipAndPlainGiveTheSameDataset() throws {
        let plain = try CSVReader.parse(try ReaderVectors.bytes("header_last.csv"), source: "x")
        let compressed = try CSVReader.parse(try ReaderVectors.bytes("header_last.csv.gz"), source: "x")
        #expect(plain == compressed)
        // Recognized by the magic bytes, not the name.
        #expect(try CSVReader.read(ReaderVectors.path("header_last.csv.gz")).features == plain.features)
    }

    @Test func bundledDigitsParse() throws {
        let path = Vectors.directory.appendingPathComponent("gzip/digits.csv.gz").path
        let digits = try CSVReader.read(path, classCount: 10)
        #expect(digits.count == 1797)
        #expect(digits.featureShape == [64])
        #expect(digits.classCount == 10)
        #expect(Set(digits.labels) == Set(0...9))
        let first = try digits.sample(at: 0)
        #expect(first.features.prefix(6) == [0, 0, 5, 13, 9, 1])
        #expect(first.label == 0)
        #expect(digits.features.allSatisfy { (0...16).contains($0) && $0.rounded() == $0 })
    }
}

@Suite struct CSVReaderFormatTests {
    @Test func spacesTabsCRLFAndBOMAreAccepted() throws {
        let dataset = try parse("\u{FEFF} 1 ,\t2\t, 0 \r\n3,4,1\r\n")
        #expect(dataset.features == [1, 2, 3, 4])
        #expect(dataset.labels == [0, 1])
        #expect(dataset.featureShape == [2])
        #expect(try parse("1,2,0").labels == [0])  // no final newline
    }

    @Test func blankLinesAtTheEndAreAccepted() throws {
        #expect(try parse("1,2,0\n \t\n\n\r\n").count == 1)
    }

    @Test func headerModes() throws {
        #expect(try parse("x,y,label\n1,2,0\n").count == 1)  // text: a header
        #expect(try parse("1,2,0\n3,4,1\n").count == 2)  // numbers: a row
        #expect(try parse(",y,label\n1,2,0\n").count == 1)  // an empty field beside text
        #expect(try parse("1,2,0\n3,4,1\n", header: .present).features == [3, 4])
        #expect(try parse("x,y,label\n1,2,0\n", header: .present).count == 1)
    }

    @Test func labelColumns() throws {
        let text = "1,2,3\n4,5,0\n"
        #expect(try parse(text, labelColumn: .first).labels == [1, 4])
        #expect(try parse(text, labelColumn: .first).features == [2, 3, 5, 0])
        #expect(try parse(text, labelColumn: .index(1)).labels == [2, 5])
        #expect(try parse(text, labelColumn: .index(1)).features == [1, 3, 4, 0])
        #expect(try parse(text).labels == [3, 0])
    }

    @Test func integralLabelSpellings() throws {
        for spelling in ["3", "3.0", "+3", "30e-1", "0.3e1", "3.000", "03"] {
            #expect(try parse("0.5,\(spelling)\n").labels == [3], "\(spelling)")
        }
        #expect(try parse("0.5,-0\n").labels == [0])
        #expect(try parse("0.5,2147483647\n").labels == [2_147_483_647])
    }

    @Test func classCountDefaultsToTheLargestLabelPlusOne() throws {
        #expect(try parse("1,4\n2,0\n").classCount == 5)
        #expect(try parse("1,4\n2,0\n", classCount: 7).classCount == 7)
    }

    /// Accepted spellings give the same `Float` as Swift's correctly rounded `Float(String)`.
    @Test func acceptedNumbersMatchFloatParsing() throws {
        let spellings = ["0", "-0", "1", "-1", "+1", "1.", ".5", "-.5", "1e3", "1E+3", "1.5e-3", "00012", "0.1",
                         "16777216", "16777217", "16777219", "3.4028235e38", "1.17549435e-38", "1e-45", "1e-46",
                         "0.000000000000000000000000000001", "123456789012345678901234567890",
                         "0.30000000000000000000000000000000000001", "9999999999", "1e10", "1e-10", "1e11"]
        for text in spellings {
            let value = try parse("\(text),0\n", header: .absent).features[0]
            #expect(value.bitPattern == Float(text)!.bitPattern, "\(text)")
        }
    }

    /// The fast path (significand ≤ 2^24, power of ten ≤ 10^10) against `Float(String)`, on random
    /// decimals of 1 to 25 digits with exponents -50...50. Replays from the printed seed.
    @Test(arguments: 0..<4)
    func randomDecimalsMatchFloatParsing(seed: UInt64) throws {
        var random = SplitMix64(seed: seed)
        for _ in 0..<5_000 {
            let digits = String((0..<Int.random(in: 1...25, using: &random)).map { _ in
                Character(String(Int.random(in: 0...9, using: &random)))
            })
            let point = Int.random(in: 0...digits.count, using: &random)
            var text = String(digits.prefix(point)) + "." + String(digits.dropFirst(point))
            if Bool.random(using: &random) { text += "e\(Int.random(in: -50...50, using: &random))" }
            if Bool.random(using: &random) { text = "-" + text }
            let bytes = Array(text.utf8)
            let value = try bytes.withUnsafeBufferPointer { try DecimalNumber($0[...]).float }
            #expect(value.bitPattern == Float(text)!.bitPattern, "seed \(seed): \(text)")
        }
    }
}

@Suite struct CSVReaderErrorTests {
    @Test func nonNumericFieldIsQuotedWithItsLineAndColumn() {
        #expect(csvError("a,b,label\n1,2,0\n3,x y,1\n") == "test.csv: line 3, column 2: expected a number, found 'x y'")
        let long = String(repeating: "abcdefghij", count: 5)
        #expect(csvError("1,2,0\n\(long),2,0\n")
                == "test.csv: line 2, column 1: expected a number, found '\(long.prefix(40))…'")
        #expect(csvError("1,,0\n") == "test.csv: line 1, column 2: expected a number, found an empty field")
        #expect(csvError("1,2,0\r\n3,4,x\r\n") == "test.csv: line 2, column 3: expected an integer label, found 'x'")
        // A lone \r is no line ending: the field is shown with it escaped.
        #expect(csvError("1,2,0\n3,4\r5,1\n") == "test.csv: line 2, column 2: expected a number, found '4\\r5'")
        #expect(csvError("\u{FEFF}a,b\n1,x\n", labelColumn: .first)
                == "test.csv: line 2, column 2: expected a number, found 'x'")
    }

    @Test func rejectedSpellings() {
        for text in [".", "e3", "1e", "1e+", "1.2.3", "--1", "+-1", "1 2", "1_000", "٣", "0x", "1d", "1e5e5"] {
            let error = csvError("0,\(text),0\n", header: .absent)
            #expect(error?.hasPrefix("test.csv: line 1, column 2: expected a number, found '") == true, "\(text): \(error ?? "")")
        }
    }

    @Test func nonFiniteAndHexadecimalNumbersAreRejected() {
        for text in ["nan", "NaN", "-inf", "+Inf", "infinity", "-INFINITY"] {
            #expect(csvError("1,\(text),0\n") == "test.csv: line 1, column 2: expected a finite number, found '\(text)'")
        }
        #expect(csvError("1,0x1p3,0\n")
                == "test.csv: line 1, column 2: expected a decimal number, found '0x1p3' (hexadecimal is not accepted)")
        #expect(csvError("1,-0X1A,0\n")
                == "test.csv: line 1, column 2: expected a decimal number, found '-0X1A' (hexadecimal is not accepted)")
        #expect(csvError("1,1e39,0\n")
                == "test.csv: line 1, column 2: expected a finite number, found '1e39' (beyond the largest Float, 3.4028235e+38)")
        #expect(csvError("1,-3.5e38,0\n")?.hasPrefix("test.csv: line 1, column 2: expected a finite number, found '-3.5e38'") == true)
    }

    @Test func raggedRowsNameTheFirstLine() {
        #expect(csvError("1,2,0\n3,4\n") == "test.csv: line 2: expected 3 fields as on line 1, found 2")
        #expect(csvError("a,b,c\n1,2,0\n3,4,5,1\n") == "test.csv: line 3: expected 3 fields as on line 1, found 4")
        #expect(csvError("1,2,0\n3,4,\n") == "test.csv: line 2, column 3: expected an integer label, found an empty field")
    }

    @Test func blankLineInTheMiddleIsRejected() {
        let message = "expected a row, found a blank line (blank lines are allowed only at the end of the file)"
        #expect(csvError("1,2,0\n\n3,4,1\n") == "test.csv: line 2: \(message)")
        #expect(csvError("1,2,0\r\n \t\r\n\r\n3,4,1\r\n") == "test.csv: line 2: \(message)")
        #expect(csvError("\n1,2,0\n") == "test.csv: line 1: \(message)")
    }

    @Test func labelsMustBeIntegersInRange() {
        #expect(csvError("1,2,3.5\n") == "test.csv: line 1, column 3: expected an integer label, found '3.5'")
        #expect(csvError("1,2,1e-30\n") == "test.csv: line 1, column 3: expected an integer label, found '1e-30'")
        #expect(csvError("1,2,0\n1,2,-1\n") == "test.csv: line 2, column 3: expected a non-negative label, found '-1'")
        #expect(csvError("1,2,0\n1,2,3\n", classCount: 3)
                == "test.csv: line 2, column 3: expected a label in 0..<3 (classCount), found '3'")
        #expect(csvError("1,2,2147483648\n")
                == "test.csv: line 1, column 3: expected a label of at most 2147483647, found '2147483648'")
        #expect(csvError("1,2,1e300\n") == "test.csv: line 1, column 3: expected a label of at most 2147483647, found '1e300'")
        #expect(csvError("a,b,c\n1,2,cat\n") == "test.csv: line 2, column 3: expected an integer label, found 'cat'")
        #expect(csvError("1,2,nan\n") == "test.csv: line 1, column 3: expected an integer label, found 'nan'")
        #expect(csvError("7,1,2\n", labelColumn: .first, classCount: 5)
                == "test.csv: line 1, column 1: expected a label in 0..<5 (classCount), found '7'")
        #expect(csvError("1,2,0\n", classCount: 0) == "test.csv: classCount must be at least 1, got 0")
    }

    @Test func labelColumnOutsideTheRow() {
        #expect(csvError("1,2,0\n", labelColumn: .index(3))
                == "test.csv: line 1: label column index 3 is outside the row: expected 0..<3 for its 3 fields")
        #expect(csvError("a,b\n1,0\n", labelColumn: .index(-1))
                == "test.csv: line 1: label column index -1 is outside the row: expected 0..<2 for its 2 fields")
        #expect(csvError("1\n2\n") == "test.csv: line 1: expected at least 2 fields (features and a label), found 1")
    }

    @Test func emptyDatasets() {
        #expect(csvError("") == "test.csv: the dataset is empty: the file has no rows")
        #expect(csvError("\u{FEFF}\n\r\n  \n") == "test.csv: the dataset is empty: the file has no rows")
        #expect(csvError("a,b,label\n") == "test.csv: the dataset is empty: line 1 is a header and no rows follow")
        #expect(csvError("1,2,0\n\n", header: .present)
                == "test.csv: the dataset is empty: line 1 is a header and no rows follow")
    }

    @Test func headerAbsentGivesAHint() {
        #expect(csvError("x,y,label\n1,2,0\n", header: .absent)
                == "test.csv: line 1, column 1: expected a number, found 'x' (if line 1 is a header, pass header: .present)")
        // nan on the first line is not taken for a header: it is reported.
        #expect(csvError("nan,2,0\n3,4,1\n") == "test.csv: line 1, column 1: expected a finite number, found 'nan'")
    }

    @Test func gzipErrorsAreWrappedWithTheOffset() throws {
        let data = try ReaderVectors.bytes("header_last.csv.gz")
        var badCRC = data
        badCRC[data.count - 8] ^= 1
        let crc = dataError { try CSVReader.parse(badCRC, source: "t.csv.gz") }
        #expect(crc?.source == "t.csv.gz")
        #expect(crc?.location == "offset \(data.count - 8)")
        #expect(crc?.message.hasPrefix("invalid gzip data: expected CRC-32 ") == true, "\(crc?.description ?? "")")
        let cut = dataError { try CSVReader.parse(Array(data.prefix(40)), source: "t.csv.gz") }
        #expect(cut?.location == "offset 40")
        #expect(cut?.message.hasPrefix("invalid gzip data: ") == true && cut?.message.hasSuffix("found end of data") == true,
                "\(cut?.description ?? "")")
    }

    @Test func unreadableFilesNameThePathAndTheReason() {
        let missing = ReaderVectors.path("no-such-file.csv")
        #expect(dataError { try CSVReader.read(missing) }?.description
                == "\(missing): cannot read the file: No such file or directory")
        let directory = Vectors.directory.path
        #expect(dataError { try CSVReader.read(directory) }?.description == "\(directory): cannot read the file: Is a directory")
    }
}
