// The umbrella module: `import Repro` brings in every Repro module.
@_exported import ReproRandom
@_exported import ReproTensor
@_exported import ReproFiles
@_exported import ReproData
@_exported import ReproNN
@_exported import ReproRuns
@_exported import ReproAnalysis
@_exported import ReproDistributed
@_exported import ReproTraining
