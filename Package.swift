// swift-tools-version: 6.0
import Foundation
import PackageDescription

/// Speed depends on compiling for the host CPU (docs/ARCHITECTURE.md §4: a SIMD FMA kernel ran at 0.8 GFLOPS
/// for baseline x86-64 and 90+ GFLOPS for the host). So when this package is the one being built
/// (`swift build`, `swift run`, `swift test` in this repository), every target is compiled with
/// `-target-cpu native`.
///
/// SwiftPM refuses unsafe flags in a package that others depend on, so when Repro is checked out as
/// a dependency (under `…/checkouts/`), no flag is added and the dependent chooses, e.g. with
/// `swift build -c release -Xswiftc -target-cpu -Xswiftc native`.
///
/// `REPRO_TARGET_CPU` overrides the choice: a CPU name (`haswell`, AVX2 and FMA, for a binary to copy
/// to other recent machines; this Swift rejects `x86-64-v3`; `x86-64` for the baseline), or `none` for
/// the compiler's default. Results do not
/// depend on it: Repro uses fused multiply-add only explicitly, so only speed changes.
let targetCPU = ProcessInfo.processInfo.environment["REPRO_TARGET_CPU"]
    ?? (Context.packageDirectory.contains("/checkouts/") ? "none" : "native")
let cpuSettings: [SwiftSetting] = targetCPU == "none" ? []
    : [.unsafeFlags(["-target-cpu", targetCPU])] + (targetCPU == "native" ? [.define("REPRO_NATIVE_BUILD")] : [])

/// The analysis tools (`ReproAnalysis`: compare, statistics, plots, reports, doctor, audit) are the
/// release build's longest module on its critical path, and nothing in them is hot: they read a few
/// logs and write text, SVG and HTML. So where this package is the root (and unsafe flags are used,
/// as for `-target-cpu`), a release build compiles them without optimisation. Measured on 2 cores:
/// the module compiles in 16 s of CPU instead of 77 s; `stats`, `compare`, `plot`, `report` and
/// `doctor` on an 8-run sweep take 0.34 s instead of 0.31 s, with byte-identical outputs (no
/// training number is computed there; Swift never contracts to fused multiply-adds on its own).
let analysisSettings: [SwiftSetting] = cpuSettings
    + (targetCPU == "none" ? [] : [.unsafeFlags(["-Onone"], .when(configuration: .release))])

let package = Package(
    name: "Repro",
    products: [
        .library(name: "Repro", targets: ["Repro"]),
        .library(name: "ReproRandom", targets: ["ReproRandom"]),
        .library(name: "ReproTensor", targets: ["ReproTensor"]),
        .library(name: "ReproFiles", targets: ["ReproFiles"]),
        .library(name: "ReproData", targets: ["ReproData"]),
        .library(name: "ReproNN", targets: ["ReproNN"]),
        .library(name: "ReproRuns", targets: ["ReproRuns"]),
        .library(name: "ReproAnalysis", targets: ["ReproAnalysis"]),
        .library(name: "ReproTraining", targets: ["ReproTraining"]),
        .library(name: "ReproDistributed", targets: ["ReproDistributed"]),
        .executable(name: "repro", targets: ["repro"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        .target(name: "ReproRandom", swiftSettings: cpuSettings),
        .target(name: "ReproTensor", dependencies: ["ReproRandom"], swiftSettings: cpuSettings),
        // SHA-256 in C: the SHA instructions through intrinsics, which Swift cannot reach.
        .target(name: "CSHA256"),
        // Bounded reads of regular files, and SHA-256: what both the data and the run records need.
        .target(name: "ReproFiles", dependencies: ["CSHA256"], swiftSettings: cpuSettings),
        .target(name: "ReproData", dependencies: ["ReproRandom", "ReproTensor", "ReproFiles"], swiftSettings: cpuSettings),
        .target(name: "ReproNN", dependencies: ["ReproRandom", "ReproTensor"], swiftSettings: cpuSettings),
        .target(name: "ReproRuns", dependencies: ["ReproRandom", "ReproTensor", "ReproFiles"],
                swiftSettings: cpuSettings, plugins: ["SourceRevision"]),
        // The tools that read finished runs: apart from ReproTraining, so that the two build in parallel.
        .target(name: "ReproAnalysis", dependencies: ["ReproRuns", "ReproTensor", "ReproFiles"], swiftSettings: analysisSettings),
        // Data-parallel training over MPI (loaded at run time, where it is installed): process groups and
        // the order-free fixed-point sum of gradient shards.
        .target(name: "ReproDistributed", swiftSettings: cpuSettings),
        // Writes ReproLibrary.revision (the git commit Repro is built from) before every build.
        .plugin(name: "SourceRevision", capability: .buildTool()),
        .target(name: "ReproTraining", dependencies: ["ReproRandom", "ReproTensor", "ReproFiles", "ReproData", "ReproNN", "ReproRuns",
                                                     "ReproDistributed"],
                swiftSettings: cpuSettings),
        .target(name: "Repro", dependencies: ["ReproRandom", "ReproTensor", "ReproFiles", "ReproData", "ReproNN", "ReproRuns", "ReproAnalysis",
                                             "ReproDistributed", "ReproTraining"],
                swiftSettings: cpuSettings),
        .executableTarget(
            name: "repro",
            dependencies: [
                "Repro",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: cpuSettings
        ),
        // Examples/OwnModel is a package of its own (as a user would write it); its executable is
        // built here too, so that the tests can train a user's task in processes of its own.
        .executableTarget(name: "own-model", dependencies: ["Repro"], path: "Examples/OwnModel/Sources/OwnModel",
                          swiftSettings: cpuSettings),
        .testTarget(name: "ReproRandomTests", dependencies: ["ReproRandom"], exclude: ["Vectors"],
                    swiftSettings: cpuSettings),
        .testTarget(name: "ReproTensorTests", dependencies: ["ReproTensor", "ReproRandom"], exclude: ["Vectors"],
                    swiftSettings: cpuSettings),
        .testTarget(name: "ReproDataTests", dependencies: ["ReproData", "ReproFiles", "ReproRandom", "ReproTestSupport"],
                    exclude: ["Vectors"],
                    swiftSettings: cpuSettings),
        .testTarget(name: "ReproNNTests", dependencies: ["ReproNN", "ReproTensor", "ReproRandom"], exclude: ["Vectors"],
                    swiftSettings: cpuSettings),
        .target(name: "ReproTestSupport", path: "Tests/ReproTestSupport"),
        .testTarget(name: "ReproRunsTests",
                    dependencies: ["ReproRuns", "ReproAnalysis", "ReproFiles", "ReproNN", "ReproData", "ReproTensor", "ReproRandom",
                                   "ReproTestSupport"],
                    exclude: ["Vectors"], swiftSettings: cpuSettings),
        .testTarget(name: "ReproTrainingTests",
                    dependencies: ["ReproTraining", "ReproRuns", "ReproAnalysis", "ReproFiles", "ReproDistributed", "ReproNN", "ReproData", "ReproTensor", "ReproRandom",
                                   "ReproTestSupport"],
                    swiftSettings: cpuSettings),
        .testTarget(name: "ReproDistributedTests", dependencies: ["ReproDistributed", "ReproRandom"], exclude: ["Vectors"],
                    swiftSettings: cpuSettings),
        .testTarget(name: "ReproTests", dependencies: ["Repro"], exclude: ["Vectors"], swiftSettings: cpuSettings),
        .testTarget(name: "ReproCLITests", dependencies: ["repro", "own-model"], swiftSettings: cpuSettings),
    ]
)
