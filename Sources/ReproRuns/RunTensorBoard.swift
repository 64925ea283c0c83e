import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

extension RunDirectory {
    /// The directory of the run's TensorBoard event file (`repro train --tensorboard`):
    /// `tensorboard/`, so that `tensorboard --logdir RUN` (or a directory of runs) finds it.
    public var tensorBoardDirectory: String { path + "/tensorboard" }
}

/// A run's TensorBoard event file (`tensorboard/events.out.tfevents.<seconds>.<host>`), derived
/// from its logs: one event per `metrics.csv` row (the scalars `loss` and `learning_rate` at its
/// step) and one per `eval.csv` row (`validation_loss` and each `validation_<metric>`), merged by
/// step, a step's training row first. Values are `simple_value`s: single precision, so `loss` and
/// `validation_loss` (logged from `Float`s) are exact and the other columns are their logged
/// `Double`s rounded to `Float`.
///
/// The file is never a source of truth and not part of the digest (``RunDigest``): ``open(_:)``
/// rewrites it from the logs as they are when training (re)starts — at a resume, cut back to
/// the checkpoint — keeping the wall time of every event it held; ``update()`` appends the rows
/// flushed since. So after any interruption (`--stop-after-step`, a kill mid-append) and resume,
/// it holds each step once with the values of the uninterrupted run.
package struct RunTensorBoard {
    /// The event file.
    package let path: String
    /// Each log's header line and the bytes of it already written as events: ``update()`` reads
    /// only what was appended since, so a training's event file costs O(rows) in all.
    private var logs: [(path: String, header: [UInt8], consumed: Int)]

    /// Opens the event file of the run in `directory` for a training that starts or resumes: none
    /// when `enabled` is false and the run has no event file yet (a run that started writing one
    /// keeps it up to date, with or without the switch); otherwise the file (its old name, or a new
    /// one) rewritten from the logs as they are.
    ///
    /// - Throws: ``RunFileError`` when a log cannot be read or the file cannot be written.
    package static func open(_ directory: RunDirectory, enabled: Bool) throws -> RunTensorBoard? {
        let existing = existingFile(directory)
        guard enabled || existing != nil else { return nil }
        let path = try existing ?? newFile(directory)
        let old = (try? TensorBoardEvents.scalars(AtomicFile.read(path), source: path, lenient: true)) ?? []
        let times = Dictionary(old.map { ("\($0.tag)@\($0.step)", $0.wallTime) }, uniquingKeysWith: { first, _ in first })
        let files = [directory.metricsFile, directory.evalFile]
        let contents = try files.map { try AtomicFile.read($0) }
        let tables = try zip(files, contents).map { try MetricsLog.decode($1, source: $0) }
        let now = Date().timeIntervalSince1970
        let versionTime = old.isEmpty ? now : times.values.min() ?? now
        let bytes = TensorBoardEvents.versionRecord(wallTime: versionTime)
            + records(tables[0], tables[1], wallTime: { times[$0] ?? now })
        try AtomicFile.write(bytes, to: path)
        return RunTensorBoard(path: path, logs: zip(files, contents).map { file, bytes in
            (file, Array(bytes.prefix { $0 != 0x0A }) + [0x0A], bytes.count)
        })
    }

    /// Appends events for the log rows flushed since the last call (or ``open(_:)``), durably.
    ///
    /// - Throws: ``RunFileError`` when a log cannot be read or the append fails.
    package mutating func update() throws {
        let appended = try logs.map { try Self.bytes(of: $0.path, from: $0.consumed) }
        guard appended.contains(where: { !$0.isEmpty }) else { return }
        let tables = try zip(logs, appended).map { log, bytes in try MetricsLog.decode(log.header + bytes, source: log.path) }
        let now = Date().timeIntervalSince1970
        try AtomicFile.append(Self.records(tables[0], tables[1], wallTime: { _ in now }), to: path)
        for index in logs.indices { logs[index].consumed += appended[index].count }
    }

    /// The bytes of the file at `path` from `offset` to its end.
    private static func bytes(of path: String, from offset: Int) throws -> [UInt8] {
        do {
            let handle = try FileHandle(forReadingFrom: URL(fileURLWithPath: path))
            defer { try? handle.close() }
            try handle.seek(toOffset: UInt64(offset))
            return Array(try handle.readToEnd() ?? Data())
        } catch {
            throw RunFileError(source: path, "cannot read what was appended after byte \(offset): \(error.localizedDescription)")
        }
    }

    /// The records of the rows of `metrics` and `evaluations`, merged by step; `wallTime` gives
    /// each event's time from `"<first tag>@<step>"`.
    private static func records(_ metrics: MetricsTable, _ evaluations: MetricsTable, wallTime: (String) -> Double) -> [UInt8] {
        func events(_ table: MetricsTable) -> [(step: Int, values: [(tag: String, value: Float)])] {
            let kept = table.columns.indices.filter { table.columns[$0] != "step" && table.columns[$0] != "epoch" }
            return table.rows.map { row in
                (Int(row[0])!, kept.map { index in
                    let (name, text) = (table.columns[index], row[index])
                    return (name, RunDirectory.singlePrecisionColumns.contains(name) ? Float(text)! : Float(Double(text)!))
                })
            }
        }
        let training = events(metrics)
        let evaluation = events(evaluations)
        var (i, j) = (0, 0)
        var bytes: [UInt8] = []
        while i < training.count || j < evaluation.count {
            let takeTraining = j == evaluation.count || (i < training.count && training[i].step <= evaluation[j].step)
            let event = takeTraining ? training[i] : evaluation[j]
            if takeTraining { i += 1 } else { j += 1 }
            guard let first = event.values.first else { continue }
            bytes += TensorBoardEvents.scalarRecord(step: event.step, wallTime: wallTime("\(first.tag)@\(event.step)"),
                                                    values: event.values)
        }
        return bytes
    }

    /// The run's event file, when it has one: the first `events.out.tfevents.*` in its directory.
    package static func existingFile(_ directory: RunDirectory) -> String? {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.tensorBoardDirectory)) ?? []
        return names.filter { $0.hasPrefix("events.out.tfevents.") }.sorted().first.map { directory.tensorBoardDirectory + "/" + $0 }
    }

    /// A new event file's path, named as TensorBoard's writers name theirs
    /// (`events.out.tfevents.<seconds>.<host>`), its directory created.
    private static func newFile(_ directory: RunDirectory) throws -> String {
        do {
            try FileManager.default.createDirectory(atPath: directory.tensorBoardDirectory, withIntermediateDirectories: true)
        } catch {
            throw RunFileError(source: directory.tensorBoardDirectory, "cannot create the directory: \(error.localizedDescription)")
        }
        var name = [UInt8](repeating: 0, count: 256)
        let named = name.withUnsafeMutableBufferPointer { gethostname(UnsafeMutableRawPointer($0.baseAddress!).assumingMemoryBound(to: CChar.self), 255) } == 0
        let host = named ? String(decoding: name.prefix { $0 != 0 }, as: UTF8.self) : "localhost"
        return directory.tensorBoardDirectory + "/events.out.tfevents.\(Int(Date().timeIntervalSince1970)).\(host)"
    }
}
