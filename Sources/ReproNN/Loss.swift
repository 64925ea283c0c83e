import ReproTensor

/// Loss functions: thin wrappers over the tensor ops, named as in PyTorch.
public enum Loss {
    /// Mean cross-entropy of `logits` `[batch, classes]` against integer labels (PyTorch
    /// `F.cross_entropy(logits, labels)`, reduction `mean`); see
    /// ``ReproTensor/Tensor/crossEntropy(labels:)``.
    ///
    /// - Determinism: identical bits for any thread count.
    /// - Throws: ``ReproTensor/TensorError`` for a bad shape or a label out of range.
    public static func crossEntropy(_ logits: Tensor, labels: [Int]) throws -> Tensor {
        try logits.crossEntropy(labels: labels)
    }

    /// Mean squared error (PyTorch `F.mse_loss(prediction, target)`, reduction `mean`); see
    /// ``ReproTensor/Tensor/mseLoss(_:)``.
    ///
    /// - Determinism: identical bits for any thread count.
    /// - Throws: ``ReproTensor/TensorError`` when the shapes differ.
    public static func mse(_ prediction: Tensor, _ target: Tensor) throws -> Tensor {
        try prediction.mseLoss(target)
    }
}
