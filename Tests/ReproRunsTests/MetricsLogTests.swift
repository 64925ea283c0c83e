import ReproTestSupport
import Testing
@testable import ReproAnalysis
@testable import ReproRuns

@Suite struct MetricsLogTests {
    @Test func writesOneLinePerStepAndReadsItBack() throws {
        try withTemporaryDirectory { directory throws in
            let path = directory.file("metrics.csv")
            var log = try MetricsLog.create(at: path, columns: ["step", "epoch", "loss", "lr"])
            try log.append(step: 0, [0, .float(2.3025851), .double(0.1)])
            try log.append(step: 1, [0, .float(.nan), .double(1e-05)])
            try log.append(step: 5, [1, .float(-.infinity), .float(0.1)])
            #expect(String(decoding: try AtomicFile.read(path), as: UTF8.self)
                    == "step,epoch,loss,lr\n0,0,2.3025851,0.1\n1,0,nan,1e-05\n5,1,-inf,0.1\n")
            let table = try MetricsLog.read(at: path)
            #expect(table.columns == ["step", "epoch", "loss", "lr"] && table.steps == [0, 1, 5])
            let losses = try table.floats("loss")
            #expect(losses[0] == Float(2.3025851) && losses[1].isNaN && losses[2] == -.infinity)
            #expect(try table.doubles("lr") == [0.1, 1e-05, 0.1])
            let missing = try #require(throws: RunFileError.self) { try table.doubles("accuracy") }
            #expect(missing.description == "\(path): no column 'accuracy' (columns: step, epoch, loss, lr)")
            #expect(try MetricsLog.open(at: path).lastStep == 5)
        }
    }

    @Test func appendChecksTheRow() throws {
        try withTemporaryDirectory { directory throws in
            var log = try MetricsLog.create(at: directory.file("m.csv"), columns: ["step", "loss"])
            #expect(throws: RunFileError.self) { try log.append(step: 0, [1, 2]) }
            #expect(throws: RunFileError.self) { try log.append(step: -1, [1]) }
            try log.append(step: 3, [1])
            #expect(throws: RunFileError.self) { try log.append(step: 3, [1]) }
            #expect(throws: RunFileError.self) { try log.append(step: 2, [1]) }
            var reopened = try MetricsLog.open(at: directory.file("m.csv"))
            #expect(throws: RunFileError.self) { try reopened.append(step: 3, [1]) }
            try reopened.append(step: 4, [2])
            #expect(try MetricsLog.read(at: directory.file("m.csv")).steps == [3, 4])
        }
    }

    @Test func createChecksTheColumns() throws {
        try withTemporaryDirectory { directory throws in
            for columns in [[], ["loss", "step"], ["step", ""], ["step", "a,b"], ["step", "a\"b"], ["step", "a\n"], ["step", "x", "x"]] {
                #expect(throws: RunFileError.self, "\(columns)") { try MetricsLog.create(at: directory.file("m.csv"), columns: columns) }
            }
            #expect(try directory.contents() == [])
        }
    }

    /// Resume: cutting a longer log back to step s gives the bytes of a log that stopped at s.
    @Test func truncateGivesTheBytesOfARunThatStoppedThere() throws {
        try withTemporaryDirectory { directory throws in
            func write(_ name: String, through last: Int) throws -> String {
                var log = try MetricsLog.create(at: directory.file(name), columns: ["step", "loss"])
                for step in stride(from: 0, through: last, by: 2) { try log.append(step: step, [.float(1 / Float(step + 1))]) }
                return directory.file(name)
            }
            let long = try write("long.csv", through: 20)
            let short = try write("short.csv", through: 10)
            #expect(try MetricsLog.truncate(at: long, keepingStepsThrough: 11) == 6)
            #expect(try AtomicFile.read(long) == AtomicFile.read(short))
            #expect(try MetricsLog.truncate(at: long, keepingStepsThrough: 100) == 6)
            #expect(try AtomicFile.read(long) == AtomicFile.read(short))
            #expect(try MetricsLog.truncate(at: long, keepingStepsThrough: -1) == 0)
            #expect(String(decoding: try AtomicFile.read(long), as: UTF8.self) == "step,loss\n")
            #expect(try directory.contents() == ["long.csv", "short.csv"])
        }
    }

    @Test func aTornLastLineIsReportedAndTruncateRepairsIt() throws {
        try withTemporaryDirectory { directory throws in
            let path = directory.file("metrics.csv")
            try AtomicFile.write("step,loss\n0,1.5\n1,1.25\n2,1.", to: path)
            let torn = try #require(throws: RunFileError.self) { try MetricsLog.read(at: path) }
            #expect(torn.location == "line 4" && torn.message.contains("no line ending"))
            #expect(torn.hint.contains("truncate"))
            #expect(throws: RunFileError.self) { try MetricsLog.open(at: path) }
            #expect(try MetricsLog.truncate(at: path, keepingStepsThrough: 1) == 2)
            #expect(String(decoding: try AtomicFile.read(path), as: UTF8.self) == "step,loss\n0,1.5\n1,1.25\n")
            try AtomicFile.write("step,loss\n0,1.5\n1,1.25\n2,1.", to: path)
            #expect(try MetricsLog.truncate(at: path, keepingStepsThrough: 9) == 2)
            var log = try MetricsLog.open(at: path)
            try log.append(step: 2, [.float(1.125)])
            #expect(String(decoding: try AtomicFile.read(path), as: UTF8.self) == "step,loss\n0,1.5\n1,1.25\n2,1.125\n")
        }
    }

    /// (file content, line, words of the message).
    static let malformed: [(String, String, String)] = [
        ("", "line 1", "the file is empty"),
        ("step,loss", "line 1", "the header row has no line ending"),
        ("loss,step\n", "line 1", "the first column must be 'step'"),
        ("step,loss,loss\n", "line 1", "column 'loss' appears twice"),
        ("step,,x\n", "line 1", "must be non-empty"),
        ("step,loss\r\n0,1\r\n", "line 1", "CR"),
        ("step,loss\n0,1\r\n", "line 2", "CR"),
        ("step,loss\n0,1,2\n", "line 2", "the row has 3 fields, the header 2"),
        ("step,loss\n0\n", "line 2", "the row has 1 fields, the header 2"),
        ("step,loss\n\n", "line 2", "step '' is not a non-negative integer"),
        ("step,loss\n1.0,1\n", "line 2", "step '1.0' is not a non-negative integer"),
        ("step,loss\n-1,1\n", "line 2", "step '-1' is not"),
        ("step,loss\n01,1\n", "line 2", "step '01' is not"),
        ("step,loss\n+1,1\n", "line 2", "step '+1' is not"),
        ("step,loss\n2,1\n2,1\n", "line 3", "step 2 does not come after step 2"),
        ("step,loss\n2,1\n1,1\n", "line 3", "step 1 does not come after step 2"),
        ("step,loss\n0,abc\n", "line 2", "loss 'abc' is not a number"),
        ("step,loss\n0,NaN\n", "line 2", "loss 'NaN' is not a number"),
        ("step,loss\n0,\n", "line 2", "loss '' is not a number"),
        ("step,loss\n0, 1\n", "line 2", "loss ' 1' is not a number"),
        ("step,loss\n0,+1\n", "line 2", "is not a number"),
        ("step,loss\n0,.5\n", "line 2", "is not a number"),
        ("step,loss\n0,1.\n", "line 2", "is not a number"),
        ("step,loss\n0,0x1p3\n", "line 2", "is not a number"),
        ("step,loss\n0,infinity\n", "line 2", "is not a number"),
        ("step,loss\n0,1e\n", "line 2", "is not a number"),
        ("step,loss\n0,\"1\"\n", "line 2", "is not a number"),
    ]

    @Test(arguments: 0..<malformed.count)
    func malformedLogsAreRejected(index: Int) throws {
        let (content, line, words) = Self.malformed[index]
        try withTemporaryDirectory { directory throws in
            let path = directory.file("metrics.csv")
            try AtomicFile.write(content, to: path)
            let error = try #require(throws: RunFileError.self) { try MetricsLog.read(at: path) }
            #expect(error.source == path && error.location == line, "\(content.debugDescription): \(error)")
            #expect(error.message.contains(words), "\(content.debugDescription): \(error)")
        }
    }

    @Test func valueTexts() {
        let cases: [(MetricValue, String)] = [
            (3, "3"), (-7, "-7"), (.float(0.1), "0.1"), (.double(0.1), "0.1"), (.double(Double(Float(0.1))), "0.10000000149011612"),
            (.float(1e-5), "1e-05"), (.float(-0.0), "-0.0"), (.float(16_777_216), "16777216.0"), (.double(1e300), "1e+300"),
            (.float(.nan), "nan"), (.float(-.nan), "nan"), (.double(.signalingNaN), "nan"), (.double(.infinity), "inf"),
            (.float(-.infinity), "-inf"), (2.5, "2.5"),
        ]
        for (value, text) in cases {
            #expect(value.text == text)
            #expect(MetricValue.isValidText(text))
        }
    }

    /// Every float's text is valid and reads back to the same bits (seeded LCG over bit patterns).
    @Test func floatTextsRoundTrip() {
        var state: UInt64 = 0x5EED
        for index in 0..<20_000 {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            let float = Float(bitPattern: UInt32(truncatingIfNeeded: state >> 32))
            let double = Double(bitPattern: state)
            for (value, back) in [(MetricValue.float(float), Float(MetricValue.float(float).text).map { Double($0) }),
                                  (.double(double), Double(MetricValue.double(double).text))] {
                #expect(MetricValue.isValidText(value.text), "case \(index) (seed 0x5EED): \(value.text)")
                let expected: Double = if case .float(let f) = value { Double(f) } else { double }
                #expect(expected.isNaN ? back!.isNaN : back == expected, "case \(index) (seed 0x5EED): \(value.text)")
            }
        }
    }
}
