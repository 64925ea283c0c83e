import Foundation
import PackagePlugin

/// Embeds the package's source revision in the target it is applied to: it runs
/// `scripts/source-revision.sh` (with `/bin/sh`, so nothing is compiled for it), which writes
/// `SourceRevision.swift` holding `ReproLibrary.revision` and rewrites it only when the revision changed.
/// The package is the one this plugin belongs to, so the revision is Repro's also when Repro is a
/// dependency of another package.
///
/// A build command, not a prebuild command: SwiftPM runs prebuild commands only when it plans the
/// build again (a changed manifest or file list), not at every build, so a commit would not reach the
/// binary. The script runs when one of its inputs changed: the package's source files (an edit makes
/// the tree dirty) and git's `HEAD`, index, current branch and packed refs (a commit, a checkout, a
/// `git add`). A change git sees only elsewhere (an edited README) shows at the next such build.
@main
struct SourceRevision: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
        let package = context.package.directoryURL
        let script = package.appending(path: "scripts/source-revision.sh")
        let output = context.pluginWorkDirectoryURL.appending(path: "SourceRevision.swift")
        let sources = context.package.targets.compactMap { $0 as? SourceModuleTarget }
            .flatMap { $0.sourceFiles.map(\.url) }
        return [.buildCommand(
            displayName: "Source revision of \(context.package.displayName)",
            executable: URL(fileURLWithPath: "/bin/sh"),
            arguments: [script.path, package.path, output.path],
            inputFiles: [script] + sources + Self.gitFiles(of: package),
            outputFiles: [output])]
    }

    /// The files git changes at a commit, checkout or `git add` in the work tree at `package`: `HEAD`,
    /// `index`, the branch `HEAD` names and `packed-refs`, those that exist (a linked work tree's
    /// `.git` file and `commondir` followed); none outside a work tree.
    static func gitFiles(of package: URL) -> [URL] {
        func text(_ url: URL) -> String? {
            (try? String(contentsOf: url, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        func resolve(_ path: String, from base: URL) -> URL {
            path.hasPrefix("/") ? URL(fileURLWithPath: path) : base.appending(path: path)
        }
        var gitDirectory = package.appending(path: ".git")
        if let link = text(gitDirectory), link.hasPrefix("gitdir: ") {
            gitDirectory = resolve(String(link.dropFirst("gitdir: ".count)), from: package)
        }
        let common = text(gitDirectory.appending(path: "commondir")).map { resolve($0, from: gitDirectory) } ?? gitDirectory
        var files = [gitDirectory.appending(path: "HEAD"), gitDirectory.appending(path: "index"),
                     common.appending(path: "packed-refs")]
        if let head = text(gitDirectory.appending(path: "HEAD")), head.hasPrefix("ref: ") {
            files.append(common.appending(path: String(head.dropFirst("ref: ".count))))
        }
        return files.filter { FileManager.default.fileExists(atPath: $0.path) }
    }
}
