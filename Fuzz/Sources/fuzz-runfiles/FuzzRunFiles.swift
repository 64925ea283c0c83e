import Foundation
import ReproData
import ReproRuns

/// Fuzzes the readers of a run directory's small files, each on the whole input:
/// `MetricsLog.decode` (metrics.csv, eval.csv), `RunManifest.decode` (manifest.json),
/// `RunDirectory.Start.decode` (run.json) and `JSONDecoder` of `DataLoaderState`. What decodes is
/// read through its accessors, and encoded and decoded again where the type can be encoded.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = [UInt8](UnsafeBufferPointer(start: data, count: size))
    metricsLog(bytes)
    manifest(bytes)
    start(bytes)
    loaderState(bytes)
    return 0
}

private func metricsLog(_ bytes: [UInt8]) {
    let table: MetricsTable
    do {
        table = try MetricsLog.decode(bytes, source: "metrics.csv")
    } catch let error as RunFileError {
        check(error.source == "metrics.csv", "source \(error.source)")
        return
    } catch {
        fatalError("MetricsLog.decode threw \(type(of: error)), not RunFileError: \(error)")
    }
    check(table.columns.first == "step" && table.rows.allSatisfy { $0.count == table.columns.count }, "table shape")
    let steps = table.steps
    check(zip(steps, steps.dropFirst()).allSatisfy { $0 < $1 } && steps.allSatisfy { $0 >= 0 }, "steps \(steps)")
    do {
        for column in table.columns.dropFirst() {
            check(try table.doubles(column).count == table.rows.count, "column \(column) as Double")
            check(try table.floats(column).count == table.rows.count, "column \(column) as Float")
        }
    } catch {
        fatalError("a column of the decoded table cannot be read: \(error)")
    }
    // The log as it would be written again is the same table.
    let text = ([table.columns] + table.rows).map { $0.joined(separator: ",") + "\n" }.joined()
    do {
        check(try MetricsLog.decode(Array(text.utf8), source: "rewritten") == table, "the rewritten log differs")
    } catch {
        fatalError("the rewritten log does not decode: \(error)")
    }
}

private func manifest(_ bytes: [UInt8]) {
    let manifest: RunManifest
    do {
        manifest = try RunManifest.decode(bytes, source: "manifest.json")
    } catch let error as RunFileError {
        check(error.source == "manifest.json", "source \(error.source)")
        return
    } catch {
        fatalError("RunManifest.decode threw \(type(of: error)), not RunFileError: \(error)")
    }
    let encoded: [UInt8]
    do {
        encoded = try manifest.encoded()
    } catch {
        return  // a value JSON cannot hold (the encoder refuses, e.g., a Float beyond its range)
    }
    do {
        check(try RunManifest.decode(encoded, source: "rewritten").encoded() == encoded, "the rewritten manifest differs")
    } catch {
        fatalError("the rewritten manifest does not decode: \(error)")
    }
}

private func start(_ bytes: [UInt8]) {
    do {
        let start = try RunDirectory.Start.decode(bytes, source: "run.json")
        try start.configuration.validate()
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let encoded = try encoder.encode(start)
        let again = try RunDirectory.Start.decode(Array(encoded), source: "rewritten")
        check(again.configuration == start.configuration && again.seed == start.seed && again.startedAt == start.startedAt,
              "the rewritten run.json differs")
    } catch let error as RunFileError {
        check(error.source == "run.json", "source \(error.source): \(error)")
    } catch {
        fatalError("RunDirectory.Start.decode threw \(type(of: error)), not RunFileError: \(error)")
    }
}

private func loaderState(_ bytes: [UInt8]) {
    guard let state = try? JSONDecoder().decode(DataLoaderState.self, from: Data(bytes)) else { return }
    do {
        let again = try JSONDecoder().decode(DataLoaderState.self, from: JSONEncoder().encode(state))
        check(again == state, "the re-encoded loader state differs")
    } catch {
        fatalError("a decoded loader state does not encode and decode: \(error)")
    }
}

/// Stops the fuzzer with a finding when `condition` is false.
func check(_ condition: Bool, _ message: @autoclosure () -> String) {
    if !condition { fatalError("invariant broken: \(message())") }
}
