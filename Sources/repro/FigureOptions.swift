import ArgumentParser
import Repro

/// The figure flags shared by `repro plot` and `repro report`.
struct FigureOptions: ParsableArguments {
    @Flag(help: "Log-scale y axis for the loss.")
    var log = false
    @Option(parsing: .unconditional, help: ArgumentHelp("Draw the trailing moving average over the last N steps; 1 draws the raw loss.", valueName: "N"))
    var smooth: Int = 1
    @Option(help: "The band around a sweep's mean: std is mean ± 1 SD, minmax the lowest to highest run.")
    var band: PlotBand = .std

    func validate() throws {
        if smooth < 1 { throw ValidationError("--smooth must be at least 1 (1: no smoothing), got \(smooth)") }
    }

    /// The figure options these flags set.
    var options: LossCurveFigure.Options {
        var options = LossCurveFigure.Options()
        options.logScale = log
        options.smoothing = smooth
        options.band = band
        return options
    }
}
