import Foundation
import Testing
import ReproTestSupport
@testable import ReproData
import ReproFiles

// Reference values from Python on scripts/data/tinyshakespeare-head.txt (nanoGPT's shakespeare_char
// recipe):
//
//   text = open("scripts/data/tinyshakespeare-head.txt", encoding="utf-8").read()
//   chars = sorted(set(text)); stoi = {c: i for i, c in enumerate(chars)}
//   data = [stoi[c] for c in text]
//   n = int(len(data) * (1 - 0.1)); train, val = data[:n], data[n:]
//   window i of a part: part[i*context : i*context+context], part[i*context+1 : i*context+context+1]

/// The embedded corpus, `CharacterCorpus`, `CharacterWindows` and `TokenBatch`.
@Suite struct CharacterCorpusTests {
    static let file = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("scripts/data/tinyshakespeare-head.txt").path
    static let characterCount = 262_063
    static let vocabulary = "\n !&',-.:;?ABCDEFGHIJKLMNOPQRSTUVWYZabcdefghijklmnopqrstuvwxyz"

    static func shakespeare() throws -> CharacterCorpus {
        try CharacterCorpus(try Shakespeare.text(), source: Shakespeare.source)
    }

    /// The description of the `DataError` that `body` throws, or nil when it throws none.
    func failure(_ body: () throws -> Any) -> String? {
        do { _ = try body(); return nil } catch { return (error as? DataError)?.description ?? "not a DataError: \(error)" }
    }

    @Test func theEmbeddedTextIsTheScriptsFile() throws {
        let text = try Shakespeare.text()
        #expect(Shakespeare.sha256 == "4df169ca6cd55cd979550bb47c3a82c896ab55deda057d846eba370bbc7334e9")
        #expect(SHA256.hexDigest(of: text.utf8) == Shakespeare.sha256)
        #expect(text.utf8.count == Self.characterCount && text.unicodeScalars.count == Self.characterCount)
        #expect(Array(text.utf8) == Array(try Data(contentsOf: URL(fileURLWithPath: Self.file))))
        #expect(text.hasPrefix("First Citizen:\nBefore we proceed any further, hear me speak.\n\n"))
        #expect(text.hasSuffix("\n\nDORSET:\nBe of good cheer: mother, how fares your grace?\n"))
    }

    @Test func aCorruptedEmbeddingIsReportedNotUsed() throws {
        let compressed = Array(try #require(Data(base64Encoded: Shakespeare.compressedBase64,
                                                 options: .ignoreUnknownCharacters)))
        #expect(failure { try Shakespeare.decode(Array(compressed.prefix(1000)), source: Shakespeare.source) }?
            .hasPrefix("tinyshakespeare (embedded): offset 1000: the embedded text is corrupted") == true)
        var text = Array(try Shakespeare.text().utf8)
        text[5] = UInt8(ascii: "X")
        #expect(failure { try Shakespeare.decode(storedGzip(text), source: Shakespeare.source) }
            == "tinyshakespeare (embedded): the embedded text is corrupted: expected sha256 \(Shakespeare.sha256), "
            + "found \(SHA256.hexDigest(of: text)); rebuild from a clean checkout")
    }

    @Test func theVocabularyIsPythonsSortedSet() throws {
        let corpus = try Self.shakespeare()
        #expect(corpus.vocabularySize == 62)
        #expect(String(String.UnicodeScalarView(corpus.vocabulary)) == Self.vocabulary)
        #expect(corpus.tokens.count == Self.characterCount)
        #expect(Array(corpus.tokens.prefix(16)) == [16, 44, 53, 54, 55, 1, 13, 44, 55, 44, 61, 40, 49, 8, 0, 12])
        #expect(corpus.contentDigest == Shakespeare.sha256)
        #expect(corpus.source == "tinyshakespeare (embedded)")
    }

    @Test func aFileAndItsTextGiveTheSameCorpus() throws {
        let file = try CharacterCorpus(contentsOf: Self.file)
        let embedded = try Self.shakespeare()
        #expect(file.source == Self.file)
        #expect(file.text == embedded.text && file.vocabulary == embedded.vocabulary && file.tokens == embedded.tokens)
        #expect(file.contentDigest == embedded.contentDigest)
    }

    @Test func decodeInvertsEncode() throws {
        let corpus = try Self.shakespeare()
        #expect(try corpus.decode(corpus.tokens) == corpus.text)
        let line = "To be, or not to be: that is the question.\n"
        #expect(try corpus.decode(try corpus.encode(line)) == line)
        #expect(try corpus.encode("") == [])
        #expect(try corpus.decode([]) == "")

        // A character is a Unicode scalar: "e\u{301}" is one Character and two tokens, and the
        // vocabulary is sorted by scalar value (U+0301 after every ASCII character).
        let text = "caf\u{E9} e\u{301}\r\n\u{1F600}"
        let accents = try CharacterCorpus(text)
        #expect(accents.vocabulary.map(\.value) == [0x0A, 0x0D, 0x20, 0x61, 0x63, 0x65, 0x66, 0xE9, 0x301, 0x1F600])
        #expect(accents.tokens == [4, 3, 6, 7, 2, 5, 8, 1, 0, 9])
        #expect(try accents.decode(accents.tokens) == text)
        #expect(accents.source == "text")
    }

    @Test func windowsAreNanoGPTsSplitCutIntoContexts() throws {
        let corpus = try Self.shakespeare()
        let (training, validation) = try corpus.windows(context: 8, validationFraction: 0.1)
        #expect(training.range == 0..<235_856 && validation.range == 235_856..<262_063)
        #expect(training.count == 29_481 && validation.count == 3_275)
        #expect(try training.sample(at: 0) == TokenWindow(input: [16, 44, 53, 54, 55, 1, 13, 44],
                                                          target: [44, 53, 54, 55, 1, 13, 44, 55]))
        #expect(try training.sample(at: 1) == TokenWindow(input: [55, 44, 61, 40, 49, 8, 0, 12],
                                                          target: [44, 61, 40, 49, 8, 0, 12, 40]))
        #expect(try training.sample(at: 29_480) == TokenWindow(input: [48, 44, 54, 55, 53, 56, 54, 55],
                                                               target: [44, 54, 55, 53, 56, 54, 55, 9]))
        #expect(try validation.sample(at: 0) == TokenWindow(input: [55, 5, 1, 60, 50, 56, 1, 54],
                                                            target: [5, 1, 60, 50, 56, 1, 54, 40]))
        #expect(try validation.sample(at: 3_274) == TokenWindow(input: [40, 54, 1, 60, 50, 56, 53, 1],
                                                                target: [54, 1, 60, 50, 56, 53, 1, 42]))
        #expect(try corpus.decode(try training.sample(at: 29_480).input) == "mistrust")

        let (long, held) = try corpus.windows(context: 256, validationFraction: 0.1)
        #expect(long.count == 921 && held.count == 102)
        let last = try long.sample(at: 920)
        #expect(Array(last.input.prefix(4)) == [1, 39, 40, 36] && Array(last.target.suffix(4)) == [36, 49, 39, 1])
        let first = try held.sample(at: 0)
        #expect(Array(first.input.prefix(4)) == [55, 5, 1, 60] && Array(first.target.suffix(4)) == [56, 1, 55, 36])
        #expect(Array(try held.sample(at: 101).input.suffix(4)) == [15, 8, 0, 14])
    }

    @Test func loaderBatchesStackWindowsForAnyWorkerCount() throws {
        let (training, _) = try Self.shakespeare().windows(context: 16, validationFraction: 0.1)
        var reference: [TokenBatch] = []
        for workers in [0, 3] {
            let loader = try DataLoader(training, sampler: try ShuffledSampler(count: training.count, seed: 5),
                                        batchSize: 4, seed: 5, workers: workers,
                                        collate: { windows, info in try TokenBatch.collate(windows, indices: info.indices) })
            let batches = try (0..<3).map { _ in try #require(try loader.next()) }
            if reference.isEmpty { reference = batches } else { #expect(batches == reference, "workers \(workers)") }
        }
        for batch in reference {
            #expect(batch.batchSize == 4 && batch.context == 16)
            #expect(batch.inputs.count == 64 && batch.targets.count == 64)
            for (row, index) in batch.indices.enumerated() {
                let window = try training.sample(at: index)
                #expect(Array(batch.inputs[row * 16..<(row + 1) * 16]) == window.input)
                #expect(Array(batch.targets[row * 16..<(row + 1) * 16]) == window.target)
            }
        }
    }

    @Test func badTextIsRefusedWithItsPlace() throws {
        #expect(failure { try CharacterCorpus("") } == "text: the text is empty; a character corpus needs at least one character")
        try withTemporaryDirectory { directory in
            let empty = directory.file("empty.txt"), latin1 = directory.file("latin1.txt")
            let truncated = directory.file("truncated.txt")
            #expect(FileManager.default.createFile(atPath: empty, contents: Data()))
            #expect(FileManager.default.createFile(atPath: latin1, contents: Data([0x61, 0x62, 0xFF, 0x63])))
            #expect(FileManager.default.createFile(atPath: truncated, contents: Data([0x61, 0xE2, 0x82])))
            #expect(failure { try CharacterCorpus(contentsOf: empty) }
                    == "\(empty): the text is empty; a character corpus needs at least one character")
            #expect(failure { try CharacterCorpus(contentsOf: latin1) }
                    == "\(latin1): offset 2: the file is not UTF-8 text: 0xFF is not a valid UTF-8 sequence")
            #expect(failure { try CharacterCorpus(contentsOf: truncated) }
                    == "\(truncated): offset 1: the file is not UTF-8 text: 0xE2 0x82 is not a valid UTF-8 sequence")
            #expect(failure { try CharacterCorpus(contentsOf: directory.file("missing.txt")) }?
                .hasPrefix("\(directory.file("missing.txt")): cannot read the file") == true)
        }
        let corpus = try Self.shakespeare()
        #expect(failure { try corpus.encode("Zounds!\tno") }
                == "encode: position 7: '\\t' (U+0009) is not in the vocabulary of tinyshakespeare (embedded) (62 characters)")
        #expect(failure { try corpus.encode("Xerxes") }?.hasPrefix("encode: position 0: 'X' (U+0058) is not") == true)
        #expect(failure { try corpus.decode([0, 62]) }
                == "decode: position 1: token 62 is outside the vocabulary 0..<62 of tinyshakespeare (embedded)")
        #expect(failure { try corpus.decode([-1]) }?.hasPrefix("decode: position 0: token -1 is outside") == true)
    }

    @Test func windowsNeedOneWholeWindowInEachPart() throws {
        let hello = try CharacterCorpus("hello")
        #expect(failure { try CharacterWindows(tokens: hello.tokens, context: 5) }
                == "windows: 5 tokens are fewer than one window of context 5 needs (context + 1 = 6 tokens)")
        #expect(try CharacterWindows(tokens: hello.tokens, context: 4).count == 1)
        #expect(failure { try CharacterWindows(tokens: hello.tokens, context: 0) } == "windows: context must be at least 1, got 0")
        #expect(failure { try CharacterWindows(tokens: hello.tokens, range: 2..<7, context: 1) }
                == "windows: the range 2..<7 is not within the 5 tokens")
        #expect(failure { try CharacterWindows(tokens: hello.tokens, context: 2).sample(at: 2) }
                == "windows: sample index 2 is outside 0..<2")
        #expect(failure { try hello.windows(context: 8, validationFraction: 0.5) }
                == "text: validationFraction 0.5 of 5 tokens leaves 2 for training and 3 for validation; each part "
                + "needs one window of context 8 (context + 1 = 9 tokens)")

        let hundred = try CharacterCorpus(String(repeating: "abcd", count: 25))
        #expect(failure { try hundred.windows(context: 8, validationFraction: 0.01) }?
            .contains("leaves 99 for training and 1 for validation") == true)
        #expect(failure { try hundred.windows(context: 8, validationFraction: 0) }
                == "text: validationFraction must be in (0, 1), got 0.0")
        #expect(failure { try hundred.windows(context: 8, validationFraction: 1) }
                == "text: validationFraction must be in (0, 1), got 1.0")
        #expect(failure { try hundred.windows(context: 0, validationFraction: 0.1) } == "windows: context must be at least 1, got 0")
        let (training, validation) = try hundred.windows(context: 8, validationFraction: 0.1)
        #expect(training.range == 0..<90 && validation.range == 90..<100 && training.count == 11 && validation.count == 1)
    }

    @Test func collateRefusesRaggedWindows() throws {
        let a = TokenWindow(input: [1, 2], target: [2, 3]), b = TokenWindow(input: [4, 5, 6], target: [5, 6, 7])
        let batch = try TokenBatch.collate([a, a], indices: [3, 9])
        #expect(batch.inputs == [1, 2, 1, 2] && batch.targets == [2, 3, 2, 3] && batch.indices == [3, 9])
        #expect(failure { try TokenBatch.collate([a, b], indices: [3, 9]) }
                == "collate: sample 9: expected input and target of 2 tokens (the first window's length), got 3 and 3")
        #expect(failure { try TokenBatch.collate([TokenWindow(input: [1, 2], target: [2])], indices: [0]) }?
            .hasPrefix("collate: sample 0: expected input and target of 2 tokens") == true)
        #expect(failure { try TokenBatch.collate([], indices: []) } == "collate: a batch needs at least one window")
        #expect(failure { try TokenBatch.collate([a], indices: [1, 2]) } == "collate: expected one index per window, got 2 for 1")
    }
}
