// swift-tools-version: 6.0
import PackageDescription

let package = Package(
    name: "Repro",
    products: [
        .library(name: "Repro", targets: ["Repro"]),
        .library(name: "ReproRandom", targets: ["ReproRandom"]),
        .executable(name: "repro", targets: ["repro"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        .target(name: "ReproRandom"),
        .target(name: "Repro", dependencies: ["ReproRandom"]),
        .executableTarget(
            name: "repro",
            dependencies: [
                "Repro",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(name: "ReproRandomTests", dependencies: ["ReproRandom"], exclude: ["Vectors"]),
    ]
)
