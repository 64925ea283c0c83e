import ReproRuns

extension ScalarRun {
    /// The scalars of the event files in `path`, one series per tag in the order tags first appear.
    ///
    /// A writer that restarts (a resumed PyTorch script) logs steps again; as TensorBoard does
    /// (`purge_orphaned_data`), a value at a step that does not come after the tag's last step
    /// drops the tag's values from that step on, and a note says so.
    ///
    /// - Throws: ``RunFileError``: no event files in `path`, or a damaged or truncated one (naming
    ///   the file, record and byte offset).
    static func tensorBoard(_ path: String, selection: Selection) throws -> ScalarRun {
        if selection.stepColumn != nil {
            throw RunFileError(source: path, "is a directory of TensorBoard event files: a step column applies to CSV logs only",
                               hint: "event files record each scalar's step")
        }
        let files = eventFiles(in: path)
        guard !files.isEmpty else {
            throw RunFileError(source: path, "holds no TensorBoard event files (events.out.tfevents.*), no Repro run and is not a CSV log",
                               hint: "pass the directory that holds the event files, or a CSV log")
        }
        var order: [String] = []
        var points: [String: [(step: Int, text: String)]] = [:]
        var restarts: [String: [Int]] = [:]
        let base = PlotInput.trimmed(path)
        for file in files {
            let bytes = try AtomicFile.read(base + "/" + file)
            for scalar in try TensorBoardEvents.scalars(bytes, source: base + "/" + file) {
                if points[scalar.tag] == nil { order.append(scalar.tag) }
                var list = points[scalar.tag] ?? []
                if let last = list.last?.step, scalar.step <= last {
                    list.removeAll { $0.step >= scalar.step }
                    restarts[scalar.tag, default: []].append(scalar.step)
                }
                list.append((scalar.step, MetricValue.double(scalar.value).text))
                points[scalar.tag] = list
            }
        }
        let series = order.map { Series(name: $0, steps: points[$0]!.map(\.step), texts: points[$0]!.map(\.text)) }
        let notes = order.compactMap { tag in
            restarts[tag].map { "\(path): \(tag) was logged again from step \($0.map(String.init).joined(separator: ", step ")) "
                                + "(a restarted writer); the later values replace the earlier ones from there, as TensorBoard shows them" }
        }
        return ScalarRun(path: path, kind: .tensorBoard(files: files), series: try selected(series, selection, source: path), notes: notes)
    }
}
