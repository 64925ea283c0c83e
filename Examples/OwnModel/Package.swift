// swift-tools-version: 6.0
import PackageDescription

/// A user's own model trained with Repro's guarantees (README "Your own model"): a layer type of
/// its own, data computed in the package, trained through the public `TrainingTask` API.
let package = Package(
    name: "OwnModel",
    dependencies: [.package(name: "Repro", path: "../..")],
    targets: [
        .executableTarget(name: "own-model", dependencies: [.product(name: "Repro", package: "Repro")],
                          path: "Sources/OwnModel"),
    ]
)
