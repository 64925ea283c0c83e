// swift-tools-version: 6.0
// Benchmarks live in their own package so the library's users and CI never build them.
// Run: python3 Benchmarks/rng_vs_numpy.py, python3 Benchmarks/matmul_vs_numpy.py
// (each builds this package in release mode for the host CPU)
import PackageDescription

let package = Package(
    name: "ReproBenchmarks",
    dependencies: [.package(name: "Repro", path: "..")],
    targets: [
        .executableTarget(
            name: "repro-bench",
            dependencies: [.product(name: "ReproRandom", package: "Repro")]
        ),
        .executableTarget(
            name: "matmul-bench",
            dependencies: [
                .product(name: "ReproRandom", package: "Repro"),
                .product(name: "ReproTensor", package: "Repro"),
            ]
        ),
        // swift run -c release --package-path Benchmarks ulp-sweep  (writes the table in results/ulp.md)
        .executableTarget(name: "ulp-sweep", dependencies: [.product(name: "ReproTensor", package: "Repro")]),
        .executableTarget(name: "kernels-bench", dependencies: [.product(name: "ReproTensor", package: "Repro")]),
        .executableTarget(
            name: "mlp-bench",
            dependencies: [
                .product(name: "ReproRandom", package: "Repro"),
                .product(name: "ReproTensor", package: "Repro"),
            ]
        ),
        .executableTarget(
            name: "loader-bench",
            dependencies: [
                .product(name: "ReproData", package: "Repro"),
                .product(name: "ReproNN", package: "Repro"),
                .product(name: "ReproRuns", package: "Repro"),
                .product(name: "ReproTraining", package: "Repro"),
                .product(name: "ReproRandom", package: "Repro"),
                .product(name: "ReproTensor", package: "Repro"),
            ]
        ),
        // swift run -c release --package-path Benchmarks train-bench  (or python3 Benchmarks/train_vs_pytorch.py,
        // which writes results/train.md)
        .executableTarget(
            name: "train-bench",
            dependencies: [
                .product(name: "ReproData", package: "Repro"),
                .product(name: "ReproNN", package: "Repro"),
                .product(name: "ReproRandom", package: "Repro"),
                .product(name: "ReproRuns", package: "Repro"),
                .product(name: "ReproTraining", package: "Repro"),
                .product(name: "ReproTensor", package: "Repro"),
            ]
        ),
        // swift run -c release --package-path Benchmarks charlm-bench  (or python3 Benchmarks/charlm_vs_pytorch.py,
        // which writes results/charlm.md); only the modules GPT needs, so it builds without ReproTraining
        .executableTarget(
            name: "charlm-bench",
            dependencies: [
                .product(name: "ReproNN", package: "Repro"),
                .product(name: "ReproRandom", package: "Repro"),
                .product(name: "ReproTensor", package: "Repro"),
            ]
        ),
        // python3 Benchmarks/hash_vs_hashlib.py  (writes results/hash.md)
        .executableTarget(name: "hash-bench", dependencies: [.product(name: "ReproFiles", package: "Repro")]),
    ]
)
