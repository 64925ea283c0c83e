import ArgumentParser
import Foundation

/// `--code DIR` of `train` and `sweep`: the directory of the user's training code, whose git commit
/// and dirty state the manifest records (`RuntimeOptions.codeDirectory`); nothing is recorded of
/// it without the flag.
struct CodeDirectoryOption: ParsableArguments {
    @Option(help: ArgumentHelp("A directory of your training code's git repository: the manifest records its commit and whether it has uncommitted changes (the manifest always records repro's own version and revision).", valueName: "dir"))
    var code: String?

    func validate() throws {
        var isDirectory: ObjCBool = false
        if let code, !(FileManager.default.fileExists(atPath: code, isDirectory: &isDirectory) && isDirectory.boolValue) {
            throw ValidationError("--code \(code): no such directory")
        }
    }
}
