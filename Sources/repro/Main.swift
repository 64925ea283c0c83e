import ArgumentParser
import Repro

@main
struct ReproCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "repro",
        abstract: "Reproducible machine-learning runs, and the proof.",
        subcommands: []
    )
}
