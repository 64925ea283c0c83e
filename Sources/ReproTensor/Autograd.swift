/// One recorded operation: its inputs, and how to turn the gradient of its output into gradients
/// of its inputs.
final class GradNode {
    let op: String
    let inputs: [Tensor]
    /// Receives the output's gradient (row-major, the output's element count) and returns one
    /// gradient per input, or nil for an input that needs none.
    let backward: ([Float]) -> [[Float]?]

    init(op: String, inputs: [Tensor], backward: @escaping ([Float]) -> [[Float]?]) {
        self.op = op
        self.inputs = inputs
        self.backward = backward
    }
}

extension Tensor {
    @TaskLocal static var gradEnabled = true

    /// Whether operations in the current task record autograd history.
    public static var isGradEnabled: Bool { gradEnabled }

    /// Runs `body` without recording autograd history (PyTorch `torch.no_grad()`), for evaluation.
    @discardableResult
    public static func withNoGrad<T>(_ body: () throws -> T) rethrows -> T {
        try $gradEnabled.withValue(false, operation: body)
    }

    /// The result of an operation: recorded for autograd when gradients are enabled and an input
    /// requires them.
    static func result(
        _ shape: [Int], _ scalars: [Float], op: String, inputs: [Tensor],
        backward: @escaping ([Float]) -> [[Float]?]
    ) -> Tensor {
        guard gradEnabled, inputs.contains(where: \.requiresGrad) else {
            return Tensor(validShape: shape, scalars: scalars)
        }
        return Tensor(validShape: shape, scalars: scalars, requiresGrad: true,
                      node: GradNode(op: op, inputs: inputs, backward: backward))
    }

    /// Computes the gradient of this scalar with respect to every tensor it was computed from, and
    /// adds it to the `grad` of each leaf that requires gradients (PyTorch `loss.backward()`).
    ///
    /// Gradients accumulate across calls, as in PyTorch; clear `grad` between steps.
    ///
    /// - Determinism: nodes are visited in a fixed order (reverse of a depth-first topological order
    ///   that follows inputs in argument order), and contributions to a tensor are added in that
    ///   order, so gradients have identical bits run to run and for any thread count.
    /// - Throws: ``TensorError`` when this tensor has more than one element or does not require
    ///   gradients.
    public func backward() throws {
        guard scalars.count == 1 else {
            throw TensorError("backward", "needs a one-element tensor (a loss), got shape \(shape); "
                + "use backward(gradient:) for other shapes")
        }
        try backward(gradient: [1])
    }

    /// Backpropagates `gradient` (the gradient of some scalar with respect to this tensor).
    ///
    /// - Throws: ``TensorError`` when `gradient` has the wrong element count or this tensor does
    ///   not require gradients.
    public func backward(gradient: [Float]) throws {
        guard requiresGrad else {
            throw TensorError("backward", "this tensor does not require gradients; create the parameters "
                + "with requiresGrad: true and compute outside Tensor.withNoGrad")
        }
        guard gradient.count == scalars.count else {
            throw TensorError("backward", "gradient has \(gradient.count) elements for a tensor of shape \(shape)")
        }
        let order = topologicalOrder()
        var pending: [ObjectIdentifier: [Float]] = [ObjectIdentifier(self): gradient]
        for tensor in order.reversed() {
            guard let gradOut = pending.removeValue(forKey: ObjectIdentifier(tensor)) else { continue }
            guard let node = tensor.node else {
                tensor.accumulateGrad(gradOut)
                continue
            }
            for (input, gradIn) in zip(node.inputs, node.backward(gradOut)) {
                guard input.requiresGrad, let gradIn else { continue }
                let key = ObjectIdentifier(input)
                if var sum = pending.removeValue(forKey: key) {
                    // Uniquely referenced once out of the dictionary: added in place, in order.
                    sum.withUnsafeMutableBufferPointer { total in
                        Elementwise.binary(.add, total.baseAddress!, gradIn, into: total.baseAddress!, count: total.count)
                    }
                    pending[key] = sum
                } else {
                    pending[key] = gradIn
                }
            }
        }
    }

    private func accumulateGrad(_ gradient: [Float]) {
        if let grad {
            grad.scalars.withUnsafeMutableBufferPointer { total in
                Elementwise.binary(.add, total.baseAddress!, gradient, into: total.baseAddress!, count: total.count)
            }
        } else {
            grad = Tensor(validShape: shape, scalars: gradient)
        }
    }

    /// Tensors that require gradients, each after all its inputs (iterative depth-first search).
    private func topologicalOrder() -> [Tensor] {
        var order: [Tensor] = []
        var visited: Set<ObjectIdentifier> = []
        var stack: [(Tensor, Int)] = [(self, 0)]
        visited.insert(ObjectIdentifier(self))
        while let (tensor, next) = stack.popLast() {
            let inputs = tensor.node?.inputs ?? []
            if next < inputs.count {
                stack.append((tensor, next + 1))
                let input = inputs[next]
                if input.requiresGrad, visited.insert(ObjectIdentifier(input)).inserted {
                    stack.append((input, 0))
                }
            } else {
                order.append(tensor)
            }
        }
        return order
    }
}
