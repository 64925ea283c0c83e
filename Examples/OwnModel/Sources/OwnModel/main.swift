import Foundation

// `own-model RUN_DIRECTORY`: trains the checkerboard task into RUN_DIRECTORY and prints the digest.
guard CommandLine.arguments.count == 2 else {
    FileHandle.standardError.write(Data("usage: own-model RUN_DIRECTORY\n".utf8))
    exit(2)
}
do {
    print(try trainCheckerboard(into: CommandLine.arguments[1]))
} catch {
    FileHandle.standardError.write(Data("own-model: \(error)\n".utf8))
    exit(2)
}
