import Foundation
import ReproRuns

/// The verdict, statistics and manifest sections of the report page.
extension RunReport {
    /// Groups of runs by digest, in order of first appearance: runs in one group are bitwise identical.
    var digestGroups: [(digest: String, names: [String])] {
        var groups: [(digest: String, names: [String])] = []
        for (name, run) in runs {
            if let index = groups.firstIndex(where: { $0.digest == run.digest }) {
                groups[index].names.append(name)
            } else {
                groups.append((run.digest, [name]))
            }
        }
        return groups
    }

    /// Pairs of runs (by name, in page order) meant to be bitwise identical — the same
    /// configuration, seed included, and the same determinism settings, without the
    /// nondeterministic fast paths — whose digests differ.
    var unexpectedDifferences: [(String, String)] {
        func key(_ manifest: RunManifest) -> String {
            (JSONValue.flattened(manifest.configuration) + JSONValue.flattened(manifest.determinism, prefix: "determinism."))
                .map { "\($0.key)=\($0.value)" }.joined(separator: "\n")
        }
        let keys = runs.map { key($0.run.manifest) }
        var pairs: [(String, String)] = []
        for second in runs.indices where !runs[second].run.manifest.configuration.allowNondeterministic {
            if let first = runs.indices.first(where: { $0 < second && keys[$0] == keys[second] }),
               runs[first].run.digest != runs[second].run.digest {
                pairs.append((runs[first].name, runs[second].name))
            }
        }
        return pairs
    }

    func verdictSection(into page: inout HTMLText) {
        page.raw("<section id=\"verdict\">\n<h2>Verdict</h2>\n")
        guard runs.count >= 2 else {
            page.raw("<p>One run: nothing to compare. Its digest is <code>")
            page.text(runs.first?.run.digest ?? "")
            page.raw("</code>.</p>\n</section>\n")
            return
        }
        let groups = digestGroups
        // Green when every pair of runs meant to be identical is (same configuration, seed and
        // determinism settings), orange when such a pair differs: other seeds differing is expected.
        let unexpected = unexpectedDifferences
        let verdictClass = unexpected.isEmpty ? "identical" : "differ"
        if groups.count == 1 {
            page.raw("<p class=\"identical\">")
            page.text("All \(runs.count) runs are bitwise identical: one digest, \(groups[0].digest).")
            page.raw("</p>\n")
        } else if groups.count == runs.count {
            page.raw("<p class=\"\(verdictClass)\">")
            page.text("\(runs.count) runs, \(runs.count) different digests: no two of them are bitwise identical.")
            page.raw("</p>\n")
        } else {
            page.raw("<p class=\"\(verdictClass)\">")
            page.text("\(runs.count) runs, \(groups.count) different digests. Runs with the same digest are bitwise identical:")
            page.raw("</p>\n<ul>\n")
            for group in groups {
                page.raw("<li><code>"); page.text(String(group.digest.prefix(16)) + "…"); page.raw("</code>: ")
                page.text(group.names.joined(separator: ", ")); page.raw("</li>\n")
            }
            page.raw("</ul>\n")
        }
        if groups.count > 1 {
            page.raw("<p class=\"\(verdictClass)\">")
            page.text(unexpected.isEmpty
                ? "As expected: every two runs with the same configuration, seed and determinism settings are bitwise "
                    + "identical; the others differ in the seed or another setting."
                : "Not as expected: " + unexpected.map { "\($0.0) and \($0.1)" }.joined(separator: "; ")
                    + " have the same configuration, seed and determinism settings but different digests.")
            page.raw("</p>\n")
        }
        let reference = runs[0]
        let comparisons = runs.dropFirst().map { localRunComparison(reference: reference, candidate: $0) }
        let headline = ValidationMetric.headline(metrics: reference.run.metricNames)
        page.raw("<p>")
        page.text("Each run against \(reference.name) (the first one given). Differences in the logs are compared as "
                  + "logged text; loss and \(headline.shortLabel) differences over the steps both runs logged.")
        page.raw("</p>\n")
        page.table(["run", "verdict", "first diverging step", "largest |Δ loss| (step)",
                    "largest |Δ \(headline.shortLabel)|\(headline.isPercent ? " in points" : "") (step)"],
                   comparisons.map { comparison in
                       [comparison.candidate,
                        comparison.identical ? "bitwise identical (same digest)" : "different digest",
                        comparison.firstDivergingStep.map(String.init)
                            ?? (comparison.identical ? "none" : "none in the logs (the final weights differ)"),
                        Self.largestText(comparison.largestLossDifference),
                        Self.largestText(comparison.largestHeadlineDifference)]
                   }, numeric: [2, 3, 4])
        let open = comparisons.count <= 4 ? " open" : ""
        for comparison in comparisons {
            let configuration = comparison.configurationDifferences, environment = comparison.environmentDifferences
            page.raw("<details\(open)><summary>")
            page.text("\(comparison.candidate) against \(comparison.reference): \(configuration.count) configuration and "
                      + "\(environment.count) environment difference\(environment.count == 1 ? "" : "s")")
            page.raw("</summary>\n")
            if !configuration.isEmpty {
                page.table(["configuration field", comparison.reference, comparison.candidate],
                           configuration.map { [$0.field, $0.reference, $0.candidate] })
            }
            if !environment.isEmpty {
                page.table(["environment field", comparison.reference, comparison.candidate, "risk to the bits"],
                           environment.map { [$0.difference.field, $0.difference.value, $0.difference.other, $0.risk] })
            }
            if configuration.isEmpty && environment.isEmpty { page.raw("<p>Same configuration and environment.</p>\n") }
            page.raw("</details>\n")
        }
        page.raw("</section>\n")
    }

    func statisticsSection(into page: inout HTMLText) {
        page.raw("<section id=\"statistics\">\n<h2>Statistics</h2>\n")
        let metrics = runs[0].run.metricNames.map(ValidationMetric.init)  // every run's (checked by the figure)
        page.table(["run", "seed", "steps", "final training loss", "final validation loss"] + metrics.map { "final " + $0.label }
                   + ["digest"],
                   runs.map { name, run in
                       let final = run.manifest.finalMetrics
                       return [name, String(run.manifest.seed.seed), String(final.steps), final.trainLoss.description,
                               final.validationLoss.description] + metrics.map { $0.formatted($0.finalValue(final) ?? .nan) }
                           + [String(run.digest.prefix(16)) + "…"]
                   }, numeric: Set(1...(4 + metrics.count)), monospace: [5 + metrics.count])
        var groups: [(name: String, runs: [RunRecord])] = []
        for (input, name) in zip(inputs, PlotInput.displayNames(inputs)) {
            if case .sweep(_, let members) = input, members.count >= 2 { groups.append((name, members)) }
        }
        let sweeps = groups.count
        if runs.count >= 2 && (inputs.count > 1 || groups.isEmpty) { groups.append(("all runs", runs.map(\.run))) }
        guard !groups.isEmpty, let spreads = try? groups.map({ try SeedSpread($0.runs) }) else {
            page.raw("</section>\n")
            return
        }
        let headline = spreads[0].metric
        page.raw("<p>")
        page.text("Final \(headline.label)\(headline.isPercent ? " in percent" : "") across seeds, one run per seed (a run "
                  + "whose seed an earlier run has is left out: it counts once). SD: sample standard deviation (n − 1); the "
                  + "prediction interval is where one more seed's final value falls with 95 % probability: mean ± t·SD·√(1 + 1/n).")
        page.raw("</p>\n")
        page.table(["runs", "seeds", "count", "mean", "SD", "min", "max", "95 % prediction interval for one more seed"],
                   zip(groups, spreads).map { group, spread in
            let summary = spread.summary
            let left = spread.repeatedSeedRuns.isEmpty ? "" : " (\(spread.repeatedSeedRuns.count) left out)"
            return [group.name + left, spread.seedText, String(summary.count), spread.value(summary.mean),
                    summary.standardDeviation.map(spread.amount) ?? "—", spread.value(summary.minimum),
                    spread.value(summary.maximum),
                    spread.prediction.map { "\(spread.value($0.lowerBound)) – \(spread.value($0.upperBound))" } ?? "— (needs 2 seeds)"]
        }, numeric: [2, 3, 4, 5, 6])
        page.raw("<ul>\n")
        for (group, spread) in zip(groups, spreads) {
            var lines = [spread.predictionText]
            if let resolution = spread.resolutionText { lines.append(resolution) }
            if let delta = tolerance ?? spread.resolution, let needed = spread.seedsNeededText(toDetect: delta) { lines.append(needed) }
            if let tolerance, let warning = spread.toleranceWarning(tolerance) { lines.append(warning) }
            page.raw("<li>"); page.text("\(group.name): " + lines.joined(separator: "; ")); page.raw("</li>\n")
        }
        page.raw("</ul>\n")
        // Each single run judged against each sweep that does not hold its seed.
        var checks: [[String]] = []
        for (group, spread) in zip(groups.prefix(sweeps), spreads) {
            for (input, name) in zip(inputs, PlotInput.displayNames(inputs)) {
                guard case .run(let run) = input,
                      !group.runs.contains(where: { $0.manifest.seed.seed == run.manifest.seed.seed }),
                      let check = try? NewSeedCheck(run, against: spread) else { continue }
                checks.append([name, group.name, check.text])
            }
        }
        if !checks.isEmpty {
            page.table(["run", "against", "verdict"], checks)
        }
        page.raw("</section>\n")
    }

    func manifestSection(into page: inout HTMLText) {
        page.raw("<section id=\"manifests\">\n<h2>Manifests</h2>\n")
        let open = runs.count <= 3 ? " open" : ""
        for (name, run) in runs {
            let manifest = run.manifest
            page.raw("<details\(open) class=\"run-manifest\"><summary>"); page.text(name); page.raw("</summary>\n<p>")
            page.text(run.directory.path); page.raw(" · digest <code>"); page.text(manifest.digest); page.raw("</code></p>\n")
            var summary: [(key: String, value: String)] = [
                ("digest", manifest.digest), ("schema", "\(manifest.schema) version \(manifest.schemaVersion)"),
                ("reproVersion", manifest.reproVersion), ("startedAt", manifest.startedAt), ("finishedAt", manifest.finishedAt),
                ("resumedFromSteps", manifest.resumedFromSteps.isEmpty ? "(none)" : manifest.resumedFromSteps.map(String.init).joined(separator: ", ")),
            ]
            summary += JSONValue.flattened(manifest.finalMetrics, prefix: "finalMetrics.")
            for (title, rows) in [("Run", summary),
                                  ("Configuration", JSONValue.flattened(manifest.configuration)),
                                  ("Seed record", JSONValue.flattened(manifest.seed)),
                                  ("Determinism settings", JSONValue.flattened(manifest.determinism)),
                                  ("Environment fingerprint", JSONValue.flattened(manifest.environment)),
                                  ("Files (sha256)", manifest.files.keys.sorted().map { ($0, manifest.files[$0]!) })] {
                page.raw("<h4>"); page.text(title); page.raw("</h4>\n")
                page.table(["field", "value"], rows.map { [$0.key, $0.value] }, monospace: [1])
            }
            page.raw("<details><summary>manifest.json</summary>\n<pre>")
            page.text((try? manifest.encoded()).map { String(decoding: $0, as: UTF8.self) } ?? "(cannot be encoded)")
            page.raw("</pre>\n</details>\n</details>\n")
        }
        page.raw("</section>\n")
    }

    /// `0.3073 (44)`: a largest difference and its step; `0` when there is none, `n/a` when no step is shared.
    static func largestText(_ largest: (value: Double, step: Int)?) -> String {
        guard let largest else { return "n/a" }
        return largest.value == 0 ? "0" : "\(PlotNumber.significant(largest.value)) (\(largest.step))"
    }
}
