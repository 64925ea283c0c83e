/// The Repro library itself, as recorded in run manifests and environment fingerprints.
public enum ReproLibrary {
    /// Repro's version, a semantic version string. Recorded in every `EnvironmentFingerprint` so that
    /// two runs made with different Repro releases are flagged by `repro compare`.
    public static let version = "0.1.0"
}
