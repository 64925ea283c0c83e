import ReproRuns

/// Two runs' final weights (`model.safetensors`) compared tensor by tensor.
///
/// Tensors are matched by name. A name in only one file, or a tensor whose element type or shape
/// differs, is a structural difference and is not compared further. Tensors of `F32` and `F64`
/// are compared element by element (bits, largest absolute and relative differences, tolerance);
/// tensors of other types only by their bytes.
struct WeightComparison: Sendable, Hashable {
    /// One tensor both files hold with the same type and shape.
    struct Tensor: Sendable, Hashable {
        /// The tensor's name.
        let name: String
        /// Its element type.
        let dtype: SafeTensorsDType
        /// Its shape.
        let shape: [Int]
        /// What differs; element locations are `name[i, j, …]`. For a type other than F32 and F64
        /// it holds one pair without values, identical exactly when the bytes are.
        let differences: DifferenceSummary
    }

    /// The tensors compared, sorted by name.
    let tensors: [Tensor]
    /// Structural differences, one line each (`tensor 'x' only in A`, `tensor 'w': shape [2, 3] in
    /// A, [3, 2] in B`), sorted by tensor name.
    let structuralDifferences: [String]

    /// Compares the files `a` and `b`.
    init(_ a: SafeTensorsFile, _ b: SafeTensorsFile, tolerance: Tolerance?) {
        var tensors: [Tensor] = []
        var structural: [String] = []
        for name in Set(a.tensors.keys).union(b.tensors.keys).sorted(by: { $0.utf8.lexicographicallyPrecedes($1.utf8) }) {
            guard let x = a.tensors[name] else { structural.append("tensor '\(name)' only in B"); continue }
            guard let y = b.tensors[name] else { structural.append("tensor '\(name)' only in A"); continue }
            if x.dtype != y.dtype {
                structural.append("tensor '\(name)': element type \(x.dtype.rawValue) in A, \(y.dtype.rawValue) in B")
                continue
            }
            if x.shape != y.shape {
                structural.append("tensor '\(name)': shape \(x.shape) in A, \(y.shape) in B")
                continue
            }
            var summary = DifferenceSummary()
            switch x.dtype {
            case .float32:
                let (u, v) = (try! x.values(as: Float.self), try! y.values(as: Float.self))
                for index in u.indices {
                    summary.add(Double(u[index]), Double(v[index]), identical: u[index].bitPattern == v[index].bitPattern,
                                tolerance: tolerance, location: { Self.element(name, x.shape, index) })
                }
            case .float64:
                let (u, v) = (try! x.values(as: Double.self), try! y.values(as: Double.self))
                for index in u.indices {
                    summary.add(u[index], v[index], identical: u[index].bitPattern == v[index].bitPattern,
                                tolerance: tolerance, location: { Self.element(name, x.shape, index) })
                }
            default:
                summary.addUncompared(identical: x.bytes == y.bytes, tolerance: tolerance, location: { name })
            }
            tensors.append(Tensor(name: name, dtype: x.dtype, shape: x.shape, differences: summary))
        }
        self.tensors = tensors
        structuralDifferences = structural
    }

    /// Every tensor's differences together.
    var total: DifferenceSummary {
        tensors.reduce(into: DifferenceSummary()) { $0.merge($1.differences) }
    }

    /// `name[i, j, …]`: the element at row-major `index` of a tensor of `shape`.
    static func element(_ name: String, _ shape: [Int], _ index: Int) -> String {
        if shape.isEmpty { return name }
        var rest = index
        var indices = [Int](repeating: 0, count: shape.count)
        for axis in shape.indices.reversed() where shape[axis] > 0 {
            indices[axis] = rest % shape[axis]
            rest /= shape[axis]
        }
        return "\(name)[\(indices.map(String.init).joined(separator: ", "))]"
    }
}
