// ReproRuns: run directories, manifests and environment fingerprints, checkpoints, the Trainer, and the run tools.
