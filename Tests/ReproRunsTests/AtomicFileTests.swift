import ReproTestSupport
import Foundation
import Testing
@testable import ReproAnalysis
@testable import ReproRuns

@Suite struct AtomicFileTests {
    @Test func writeCreatesAndReplacesLeavingNoTemporaryFiles() throws {
        try withTemporaryDirectory { directory throws in
            let path = directory.file("state.json")
            try AtomicFile.write(Array("first".utf8), to: path)
            #expect(try AtomicFile.read(path) == Array("first".utf8))
            try AtomicFile.write("second, longer", to: path)
            #expect(try AtomicFile.read(path) == Array("second, longer".utf8))
            try AtomicFile.write([], to: path)
            #expect(try AtomicFile.read(path) == [])
            #expect(try directory.contents() == ["state.json"])
        }
    }

    @Test func readsLargeFilesAndProcFiles() throws {
        try withTemporaryDirectory { directory throws in
            let bytes = (0..<300_000).map { UInt8(truncatingIfNeeded: $0 &* 31 >> 3) }
            try AtomicFile.write(bytes, to: directory.file("big"))
            #expect(try AtomicFile.read(directory.file("big")) == bytes)
        }
        #if os(Linux)
        #expect(try !AtomicFile.read("/proc/self/status").isEmpty)
        #endif
    }

    @Test(arguments: [AtomicFile.Stage.afterWrite, .afterSync, .beforeRename])
    func failedWriteKeepsTheOldFileAndRemovesTheTemporary(stage: AtomicFile.Stage) throws {
        try withTemporaryDirectory { directory throws in
            let path = directory.file("checkpoint.safetensors")
            try AtomicFile.write(Array("old".utf8), to: path)
            let error = try #require(throws: RunFileError.self) {
                try AtomicFile.write(Array("new".utf8), to: path, failingAt: stage)
            }
            #expect(error.source == path && error.errorNumber == EIO)
            #expect(error.message.contains("injected failure") && error.message.contains("Input/output error (errno 5)"))
            #expect(try AtomicFile.read(path) == Array("old".utf8))
            #expect(try directory.contents() == ["checkpoint.safetensors"])
        }
    }

    @Test func failuresNameThePathAndTheSystemError() throws {
        try withTemporaryDirectory { directory throws in
            let missing = directory.file("no/such/dir/file")
            let noDirectory = try #require(throws: RunFileError.self) { try AtomicFile.write([1], to: missing) }
            #expect(noDirectory.source == missing && noDirectory.errorNumber == ENOENT)
            #expect(noDirectory.description.hasPrefix("\(missing): cannot create temporary file \(directory.path)/no/such/dir/.file.tmp-"))
            #expect(noDirectory.description.hasSuffix(": No such file or directory (errno 2)"))

            let target = directory.file("a-directory")
            try FileManager.default.createDirectory(atPath: target + "/inside", withIntermediateDirectories: true)
            let isDirectory = try #require(throws: RunFileError.self) { try AtomicFile.write([1], to: target) }
            #expect(isDirectory.errorNumber == EISDIR && isDirectory.message.hasPrefix("cannot rename"))
            #expect(try directory.contents() == ["a-directory"])

            let unreadable = try #require(throws: RunFileError.self) { try AtomicFile.read(directory.file("none")) }
            #expect(unreadable.description == "\(directory.file("none")): cannot open: No such file or directory (errno 2)")
            #expect((try #require(throws: RunFileError.self) { try AtomicFile.read(target) }).errorNumber == EISDIR)
            #expect(throws: RunFileError.self) { try AtomicFile.write([1], to: directory.path + "/") }
            #expect(throws: RunFileError.self) { try AtomicFile.write([1], to: "") }
        }
    }

    @Test func splitsPaths() throws {
        #expect(try AtomicFile.split("name") == (".", "name"))
        #expect(try AtomicFile.split("/name") == ("/", "name"))
        #expect(try AtomicFile.split("runs/a/metrics.csv") == ("runs/a", "metrics.csv"))
    }

    @Test func concurrentWritersNeverShareATemporaryFile() throws {
        try withTemporaryDirectory { directory throws in
            let path = directory.file("shared")
            let contents = (0..<8).map { writer in [UInt8](repeating: UInt8(writer), count: 10_000 + writer) }
            let failures = Locked(0)
            DispatchQueue.concurrentPerform(iterations: 8) { writer in
                for _ in 0..<10 {
                    do { try AtomicFile.write(contents[writer], to: path) } catch { failures.withLock { $0 += 1 } }
                }
            }
            #expect(failures.withLock { $0 } == 0)
            #expect(contents.contains(try AtomicFile.read(path)))
            #expect(try directory.contents() == ["shared"])
        }
    }

    @Test func appendCreatesThenAppendsLines() throws {
        try withTemporaryDirectory { directory throws in
            let path = directory.file("log.txt")
            try AtomicFile.appendLine("one", to: path)
            try AtomicFile.appendLine("two", to: path)
            try AtomicFile.append(Array("three".utf8), to: path)
            #expect(String(decoding: try AtomicFile.read(path), as: UTF8.self) == "one\ntwo\nthree")
            let twoLines = try #require(throws: RunFileError.self) { try AtomicFile.appendLine("a\nb", to: path) }
            #expect(twoLines.message.contains("line break"))
            #expect(throws: RunFileError.self) { try AtomicFile.appendLine("a", to: directory.file("no/dir")) }
            #expect(String(decoding: try AtomicFile.read(path), as: UTF8.self) == "one\ntwo\nthree")
        }
    }
}
