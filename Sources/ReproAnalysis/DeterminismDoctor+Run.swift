import Foundation
import ReproFiles
import ReproRuns

extension DeterminismDoctor {
    /// The environment fields a run is not checked against here: the training code's git state
    /// (named per run with `--code`, not part of this environment) and the thread, worker and core
    /// counts (the bits do not depend on them: G3, G4).
    static let fieldsNotCheckedHere: Set<String> = [
        "gitCommit", "gitDirty", "threadCount", "workerCount", "logicalCores", "availableCores",
    ]

    /// The findings of the run at `path` against the environment `here`
    /// (`EnvironmentFingerprint.current`).
    ///
    /// A finished run: its files are verified (each file's sha256 and the digest recomputed from the
    /// files, as `RunRecord` and `repro compare` do; what `manifest.json` says is never taken for
    /// it), a missing, changed or unreadable file or manifest being a hazard that names the file;
    /// its determinism settings (nondeterministic fast paths are a hazard); each difference of its
    /// environment from `here` that can change bits (``SettingDifference``: a high risk, such as
    /// another Repro version or revision or another compiler, is a hazard, since training it here
    /// may not give its bits; lower and unknown risks are notes); and the training code's recorded
    /// git state. An unfinished run (only `run.json`): its determinism settings, and a note that it
    /// cannot be verified yet.
    ///
    /// - Throws: ``RunFileError`` when `path` is not a run directory, or holds a run file that is not
    ///   a regular file. A damaged manifest or `run.json` is a hazard, not an error.
    public static func runFindings(at path: String, here: EnvironmentFingerprint) throws -> [DoctorFinding] {
        let directory = RunDirectory(path: path)
        let manager = FileManager.default
        var isDirectory: ObjCBool = false
        guard manager.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw RunFileError(source: path, "no such run directory")
        }
        try directory.refuseIrregularFiles()
        guard manager.fileExists(atPath: directory.manifestFile) else {
            guard manager.fileExists(atPath: directory.startFile) else {
                throw RunFileError(source: path, "is not a Repro run directory (no manifest.json or run.json)")
            }
            let start: RunDirectory.Start
            do { start = try directory.readStart() } catch let error as RunFileError {
                return [damaged(error, fix: "the run cannot be resumed; train it again into a new directory")]
            }
            return [DoctorFinding(.note, "unfinished run",
                                  "no manifest.json yet, so there is no digest to verify its files against",
                                  fix: "finish it with repro train --resume \(path)")]
                + [nondeterminismHazard(start.configuration, nil) ?? deterministicSettings]
        }
        let manifest: RunManifest
        do { manifest = try RunManifest.read(directory.manifestFile) } catch let error as RunFileError {
            return [damaged(error, fix: "the run's record is lost: train it again to have one")]
        }
        return verifyFiles(directory, manifest)
            + [nondeterminismHazard(manifest.configuration, manifest.determinism) ?? deterministicSettings]
            + environmentFindings(of: manifest, here: here)
            + codeFindings(manifest.environment)
    }

    /// The finding that a run file cannot be read as what it should be.
    private static func damaged(_ error: RunFileError, fix: String) -> DoctorFinding {
        DoctorFinding(.hazard, "damaged file", "\(error.source): \(error.message)", fix: fix)
    }

    private static let deterministicSettings = DoctorFinding(
        .ok, "determinism settings", "deterministic algorithms required, no kernel chosen by timing")

    /// Each file the digest covers, read and hashed, against `manifest.files`; then the digest of
    /// all of them against `manifest.digest`.
    static func verifyFiles(_ directory: RunDirectory, _ manifest: RunManifest) -> [DoctorFinding] {
        var contents: [String: [UInt8]] = [:]
        var found: [DoctorFinding] = []
        let fix = "the run no longer holds what it recorded: restore the file from a copy, or train the run again "
            + "(repro compare still compares it as it is now)"
        for name in RunDigest.files {
            let file = directory.path + "/" + name
            let bytes: [UInt8]
            do { bytes = try AtomicFile.read(file) } catch {
                let detail = error is RunFileError ? "\(error)" : "\(file): \(error)"  // a RunFileError names the file
                found.append(DoctorFinding(.hazard, "missing or unreadable file", detail, fix: fix))
                continue
            }
            contents[name] = bytes
            let sha = SHA256.hexDigest(of: bytes)
            if sha != manifest.files[name] {
                found.append(DoctorFinding(
                    .hazard, "file changed after the run finished",
                    "\(file): sha256 \(sha.prefix(16))…, but manifest.json records \(manifest.files[name].map { $0.prefix(16) + "…" } ?? "none")",
                    fix: fix))
            }
        }
        guard found.isEmpty else { return found }
        let digest = RunDigest.compute(contents).digest
        guard digest == manifest.digest else {
            return [DoctorFinding(.hazard, "damaged manifest",
                                  "\(directory.manifestFile): records the digest \(manifest.digest), but the files give \(digest)",
                                  fix: "the manifest was edited or damaged: train the run again to have a trustworthy record")]
        }
        return [DoctorFinding(.ok, "files verified",
                              "\(RunDigest.files.joined(separator: ", ")) give the digest \(digest) that manifest.json records")]
    }

    /// The differences between the run's recorded environment and `here` that can change bits.
    static func environmentFindings(of manifest: RunManifest, here: EnvironmentFingerprint) -> [DoctorFinding] {
        var found: [DoctorFinding] = []
        for difference in manifest.environment.differences(from: here) where !fieldsNotCheckedHere.contains(difference.field) {
            let variable = difference.field.hasPrefix("environment.")
            let (risk, why) = variable
                ? SettingDifference.variableRisk(String(difference.field.dropFirst("environment.".count)))
                : SettingDifference.environmentRisk(difference.field, difference.value, difference.other)
            guard risk != .none else { continue }
            let name = variable ? "environment variable \(difference.field.dropFirst("environment.".count))"
                                : "environment.\(difference.field)"
            found.append(DoctorFinding(
                risk == .high ? .hazard : .note, "trained with another \(name)",
                "\(difference.value) in the run, \(difference.other) here (risk \(risk)): \(why)",
                fix: risk == .high ? "to repeat the run bit for bit, train it where \(name) is \(difference.value)" : nil))
        }
        if found.isEmpty {
            found.append(DoctorFinding(.ok, "environment",
                                       "the run's environment matches this one in everything that can change its bits"))
        }
        return found
    }

    /// The training code's git state as the run recorded it (`repro train --code DIR`); nothing when
    /// none was recorded (a built-in recipe's code is Repro's, whose revision is compared above).
    static func codeFindings(_ environment: EnvironmentFingerprint) -> [DoctorFinding] {
        guard let commit = environment.gitCommit else { return [] }
        guard environment.gitDirty == true else {
            return [DoctorFinding(.ok, "training code", "commit \(commit), no uncommitted changes")]
        }
        return [DoctorFinding(.note, "training code had uncommitted changes",
                              "the recorded commit \(commit.prefix(12)) does not identify the code that ran",
                              fix: "commit (or stash) before training, so the manifest's commit is the code that ran")]
    }
}
