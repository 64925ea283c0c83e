// ReproNN: layers, losses, optimizers and initializers over ReproTensor, every random draw from an explicit generator.
