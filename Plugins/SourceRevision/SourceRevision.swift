import Foundation
import PackagePlugin

/// Embeds the package's source revision in the target it is applied to: before every build it runs
/// `scripts/source-revision.sh` (with `/bin/sh`, so nothing is compiled for it), which writes
/// `SourceRevision.swift` holding `ReproLibrary.revision` and rewrites it only when the revision changed.
/// The package is the one this plugin belongs to, so the revision is Repro's also when Repro is a
/// dependency of another package.
@main
struct SourceRevision: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
        let package = context.package.directoryURL
        let output = context.pluginWorkDirectoryURL.appending(path: "generated")
        try FileManager.default.createDirectory(at: output, withIntermediateDirectories: true)
        return [.prebuildCommand(
            displayName: "Source revision of \(context.package.displayName)",
            executable: URL(fileURLWithPath: "/bin/sh"),
            arguments: [package.appending(path: "scripts/source-revision.sh").path, package.path,
                        output.appending(path: "SourceRevision.swift").path],
            outputFilesDirectory: output)]
    }
}
