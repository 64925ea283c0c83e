/// The Repro library itself, as recorded in run manifests and environment fingerprints.
///
/// `revision`, the git commit the library was built from, is generated at build time by the
/// `SourceRevision` plugin (Plugins/SourceRevision, scripts/source-revision.sh).
public enum ReproLibrary {
    /// Repro's version, a semantic version string; the one place it is written (`repro --version`,
    /// manifests, the `v…` git tag). Recorded in every `EnvironmentFingerprint` so that two runs made
    /// with different Repro releases are flagged by `repro compare`.
    public static let version = "0.14.0"
}
