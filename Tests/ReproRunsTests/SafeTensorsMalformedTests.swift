import Testing
@testable import ReproAnalysis
@testable import ReproRuns

/// A safetensors file with header text `header` (not padded) and data buffer `data`.
func safetensorsBytes(_ header: String, data: [UInt8] = []) -> [UInt8] {
    let header = Array(header.utf8)
    return (0..<8).map { UInt8(truncatingIfNeeded: header.count >> (8 * $0)) } + header + data
}

/// The error reading `bytes` gives, or nil (recorded as a failure) when it reads.
func safetensorsError(_ bytes: [UInt8], sourceLocation: SourceLocation = #_sourceLocation) -> RunFileError? {
    #expect(throws: RunFileError.self, sourceLocation: sourceLocation) { try SafeTensorsFile(bytes: bytes, source: "bad.safetensors") }
}

@Suite struct SafeTensorsMalformedTests {
    static let tensorA = #""a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}"#

    /// (what is wrong, header, data length, words the message must contain).
    static let malformedHeaders: [(String, String, Int, String)] = [
        ("not an object", "[]", 0, "must be a JSON object: found '['"),
        ("empty header", "", 0, "must be a JSON object: found the end of the header"),
        ("unterminated object", #"{"a":"#, 0, "tensor 'a' must be an object"),
        ("unterminated string", #"{"a"#, 0, "unterminated string"),
        ("missing colon", #"{"a" {}}"#, 0, "expected ':' after a key"),
        ("missing comma", "{\(tensorA) \"b\":{}}", 4, "expected ',' or '}' after an entry"),
        ("trailing comma", "{\(tensorA),}", 4, "expected a string"),
        ("garbage after", "{\(tensorA)}x", 4, "unexpected 'x' after the header's JSON object"),
        ("unknown dtype", #"{"a":{"dtype":"F33","shape":[1],"data_offsets":[0,4]}}"#, 4, "unknown dtype \"F33\""),
        ("lower-case dtype", #"{"a":{"dtype":"f32","shape":[1],"data_offsets":[0,4]}}"#, 4, "unknown dtype \"f32\""),
        ("sub-byte dtype", #"{"a":{"dtype":"F4","shape":[2],"data_offsets":[0,1]}}"#, 1, "sub-byte type"),
        ("dtype not a string", #"{"a":{"dtype":4,"shape":[1],"data_offsets":[0,4]}}"#, 4, "expected a string: found '4'"),
        ("negative dimension", #"{"a":{"dtype":"F32","shape":[-1],"data_offsets":[0,4]}}"#, 4, "non-negative integers, found '-'"),
        ("fractional dimension", #"{"a":{"dtype":"F32","shape":[1.0],"data_offsets":[0,4]}}"#, 4, "fraction or exponent"),
        ("exponent dimension", #"{"a":{"dtype":"F32","shape":[1e0],"data_offsets":[0,4]}}"#, 4, "fraction or exponent"),
        ("leading zero", #"{"a":{"dtype":"F32","shape":[01],"data_offsets":[0,4]}}"#, 4, "leading zero"),
        ("huge number", #"{"a":{"dtype":"F32","shape":[99999999999999999999],"data_offsets":[0,4]}}"#, 4, "too large"),
        ("shape not an array", #"{"a":{"dtype":"F32","shape":1,"data_offsets":[0,4]}}"#, 4, "must be an array"),
        ("three offsets", #"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4,4]}}"#, 4, "must be [begin, end], found 3"),
        ("missing shape", #"{"a":{"dtype":"F32","data_offsets":[0,4]}}"#, 4, "tensor 'a' lacks shape"),
        ("empty entry", #"{"a":{}}"#, 0, "lacks dtype, shape, data_offsets"),
        ("unknown field", #"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4],"x":1}}"#, 4, "unknown field 'x'"),
        ("repeated field", #"{"a":{"dtype":"F32","dtype":"F32","shape":[1],"data_offsets":[0,4]}}"#, 4, "has dtype twice"),
        ("duplicate tensor", "{\(tensorA),\(tensorA)}", 4, "tensor 'a' appears twice"),
        ("equivalent names", #"{"\u00e9":{"dtype":"U8","shape":[1],"data_offsets":[0,1]},"e\u0301":{"dtype":"U8","shape":[1],"data_offsets":[1,2]}}"#,
         2, "appears twice"),
        ("duplicate metadata", #"{"__metadata__":{},"__metadata__":{},"# + tensorA + "}", 4, "__metadata__ appears twice"),
        ("duplicate metadata key", #"{"__metadata__":{"k":"1","k":"2"},"# + tensorA + "}", 4, "key 'k' appears twice"),
        ("metadata number", #"{"__metadata__":{"k":1},"# + tensorA + "}", 4, "value for 'k' must be a string, found '1'"),
        ("metadata nested", #"{"__metadata__":{"k":{"x":"y"}},"# + tensorA + "}", 4, "must be a string, found '{'"),
        ("metadata array", #"{"__metadata__":[],"# + tensorA + "}", 4, "must be an object of strings"),
        ("control character", "{\"a\u{1}\":{}}", 0, "control character byte 0x1 inside a string"),
        ("invalid escape", #"{"a\q":{}}"#, 0, "invalid escape"),
        ("short unicode escape", #"{"a\u12":{}}"#, 0, "four hexadecimal digits"),
        ("lone high surrogate", #"{"a\ud83d":{}}"#, 0, "lone surrogate"),
        ("lone low surrogate", #"{"a\ude00":{}}"#, 0, "lone surrogate"),
    ]

    @Test(arguments: 0..<malformedHeaders.count)
    func malformedHeaderIsRejected(index: Int) throws {
        let (what, header, dataLength, words) = Self.malformedHeaders[index]
        let error = try #require(safetensorsError(safetensorsBytes(header, data: [UInt8](repeating: 0, count: dataLength))))
        #expect(error.message.contains(words), "\(what): \(error)")
        #expect(error.source == "bad.safetensors")
        #expect(error.location.hasPrefix("offset "), "\(what): \(error)")
    }

    @Test func invalidUTF8IsRejected() throws {
        var bytes = safetensorsBytes(#"{"a\#u{FF}":{}}"#)
        let at = bytes.firstIndex(of: 0xC3)!
        bytes.replaceSubrange(at...at + 1, with: [0xFF, 0x20])
        let error = try #require(safetensorsError(bytes))
        #expect(error.message.contains("not valid UTF-8"))
    }

    /// (what is wrong, header, data length, location, words the message must contain).
    static let badLayouts: [(String, String, Int, String, String)] = [
        ("beyond the buffer", #"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}"#, 4,
         "tensor 'a'", "data_offsets [0, 8] go beyond the 4-byte data buffer"),
        ("end before begin", #"{"a":{"dtype":"F32","shape":[1],"data_offsets":[4,0]}}"#, 4,
         "tensor 'a'", "end before they begin"),
        ("shape × size ≠ length", #"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,4]}}"#, 4,
         "tensor 'a'", "shape [2] of F32 needs 2 × 4 bytes, but data_offsets [0, 4] hold 4"),
        ("overlap", #"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"b":{"dtype":"U8","shape":[4],"data_offsets":[2,6]}}"#, 6,
         "tensor 'b'", "data_offsets [2, 6] overlap tensor 'a' [0, 4]"),
        ("same bytes twice", #"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"b":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}"#, 4,
         "tensor 'b'", "overlap tensor 'a'"),
        ("gap at the start", #"{"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}"#, 8,
         "tensor 'a'", "bytes 0..<4 of the data buffer belong to no tensor"),
        ("gap between", #"{"a":{"dtype":"U8","shape":[1],"data_offsets":[0,1]},"b":{"dtype":"U8","shape":[1],"data_offsets":[2,3]}}"#, 3,
         "tensor 'b'", "bytes 1..<2 of the data buffer belong to no tensor"),
        ("unused tail", #"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}"#, 5,
         "offset 66", "bytes 4..<5 of the data buffer belong to no tensor"),
        ("data without tensors", "{}", 1, "offset 10", "bytes 0..<1 of the data buffer belong to no tensor"),
        ("element count overflows", #"{"a":{"dtype":"F32","shape":[4294967296,4294967296,16],"data_offsets":[0,4]}}"#, 4,
         "tensor 'a'", "more elements than fit"),
        ("byte count overflows", #"{"a":{"dtype":"F64","shape":[4611686018427387904],"data_offsets":[0,4]}}"#, 4,
         "tensor 'a'", "needs 4611686018427387904 × 8 bytes"),
    ]

    @Test(arguments: 0..<badLayouts.count)
    func badLayoutIsRejected(index: Int) throws {
        let (what, header, dataLength, location, words) = Self.badLayouts[index]
        let error = try #require(safetensorsError(safetensorsBytes(header, data: [UInt8](repeating: 0, count: dataLength))))
        #expect(error.location == location, "\(what): \(error)")
        #expect(error.message.contains(words), "\(what): \(error)")
    }

    @Test func headerLengthProblemsAreRejected() throws {
        let short = try #require(safetensorsError([1, 0, 0]))
        #expect(short.description == "bad.safetensors: the file is 3 bytes long, shorter than the 8-byte header length "
                + "(hint: the file is truncated or is not a safetensors file)")
        let beyond = try #require(safetensorsError([20, 0, 0, 0, 0, 0, 0, 0] + Array("{}".utf8)))
        #expect(beyond.message == "header length 20 goes beyond the end of the file (10 bytes)")
        let huge = try #require(safetensorsError([0, 0, 0, 0, 0, 0, 0, 0x80] + Array("{}".utf8)))
        #expect(huge.message.contains("exceeds the format's limit of 100000000 bytes"))
        let overLimit = try #require(safetensorsError((0..<8).map { UInt8(truncatingIfNeeded: 100_000_001 >> (8 * $0)) }))
        #expect(overLimit.message.contains("exceeds"))
    }

    /// Files Python's `safetensors` 0.8 reads (checked by hand with `safetensors.deserialize`).
    @Test func acceptsWhatPythonAccepts() throws {
        let a = #"{"dtype":"F32","shape":[1],"data_offsets":[0,4]}"#
        let data: [UInt8] = [0, 0, 0x80, 0x3F]
        for header in ["{\"a\":\(a)}", "{\"a\":\(a)}\n", "{\"a\":\(a)}\t", " {\"a\":\(a)}",
                       "{ \"a\" : { \"dtype\" : \"F32\" , \"shape\" : [ 1 ] , \"data_offsets\" : [ 0 , 4 ] } }",
                       "{\"\\u0061\":\(a)}", "{\"__metadata__\":null,\"a\":\(a)}", "{\"a\":\(a),\"__metadata__\":{}}",
                       "{\"a\":{\"data_offsets\":[0,4],\"shape\":[1],\"dtype\":\"F32\"}}"] {
            let file = try SafeTensorsFile(bytes: safetensorsBytes(header, data: data))
            #expect(try file.floats("a") == ([1], [1]), "\(header)")
            #expect(file.metadata.isEmpty)
        }
        let empty = try SafeTensorsFile(bytes: safetensorsBytes("{}"))
        #expect(empty.tensors.isEmpty)
        let escaped = try SafeTensorsFile(bytes: safetensorsBytes(
            #"{"__metadata__":{"k\/\"":"\ud83d\ude00\b"},"z":{"dtype":"BOOL","shape":[0],"data_offsets":[0,0]}}"#))
        #expect(escaped.metadata == ["k/\"": "😀\u{8}"] && escaped.tensors["z"]?.shape == [0])
    }

    static let fixtures = ["mixed_dtypes", "model_like", "names", "raw_dtypes", "shapes", "empty"]

    /// Every proper prefix of a valid file is rejected, with an error rather than a crash.
    @Test(arguments: fixtures)
    func everyTruncationIsRejected(name: String) throws {
        let bytes = try SafeTensorsVectorFile.bytes("\(name).safetensors")
        _ = try SafeTensorsFile(bytes: bytes)
        for length in 0..<bytes.count {
            #expect(throws: RunFileError.self, "\(name) cut to \(length) bytes") {
                try SafeTensorsFile(bytes: Array(bytes[..<length]))
            }
        }
        #expect(throws: RunFileError.self) { try SafeTensorsFile(bytes: bytes + [0]) }
    }

    /// Every single-byte change in the header and length either still reads or throws; none crashes.
    @Test(arguments: ["mixed_dtypes", "names"])
    func corruptedBytesNeverCrash(name: String) throws {
        let bytes = try SafeTensorsVectorFile.bytes("\(name).safetensors")
        let headerEnd = 8 + Int(bytes[0]) + Int(bytes[1]) << 8
        var rejected = 0
        for offset in 0..<headerEnd {
            for value: UInt8 in [0x00, 0xFF, 0x22, 0x7D, 0x5D, 0x2C, 0x30, 0x39, 0x20, 0x5C, bytes[offset] ^ 1] {
                var corrupted = bytes
                corrupted[offset] = value
                do {
                    _ = try SafeTensorsFile(bytes: corrupted)
                } catch is RunFileError {
                    rejected += 1
                }
            }
        }
        #expect(rejected > headerEnd)
    }
}
