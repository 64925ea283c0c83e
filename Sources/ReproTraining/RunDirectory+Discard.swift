import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import ReproRuns

extension RunDirectory {
    /// `path` and those of its ancestors that do not exist yet, deepest first: what creating a run
    /// at `path` would create.
    package static func missingDirectories(_ path: String) -> [String] {
        var missing: [String] = []
        var url = URL(fileURLWithPath: path).standardizedFileURL
        while !FileManager.default.fileExists(atPath: url.path) {
            missing.append(url.path)
            let parent = url.deletingLastPathComponent()
            if parent.path == url.path { break }
            url = parent
        }
        return missing
    }

    /// Removes this run when it has no complete checkpoint and did not diverge (a training that
    /// failed before its first checkpoint, which a resume would start from step 0 anyway): the
    /// files a run writes and the temporary files of atomic writes, then each of
    /// `createdDirectories` that is empty by then. Other files, and the directories holding them,
    /// stay.
    ///
    /// - Returns: whether the run was removed.
    @discardableResult
    package func discardIfNeverCheckpointed(createdDirectories: [String]) -> Bool {
        let manager = FileManager.default
        let checkpoints = (try? manager.contentsOfDirectory(atPath: checkpointsDirectory)) ?? []
        guard !checkpoints.contains(where: { Checkpoint.step(ofFileName: $0) != nil }),
              !manager.fileExists(atPath: divergenceFile), !manager.fileExists(atPath: manifestFile) else { return false }
        removeTemporaryFiles()
        rmdir(checkpointsDirectory)
        for file in [metricsFile, evalFile, traceFile, resumesFile, modelFile, startFile] { unlink(file) }
        if let events = RunTensorBoard.existingFile(self) { unlink(events) }
        rmdir(tensorBoardDirectory)
        for created in createdDirectories { rmdir(created) }
        return true
    }
}
