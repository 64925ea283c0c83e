// Hashes a 64 MiB buffer with ReproFiles' SHA256 (the SHA instructions where the CPU has them, and
// the portable code) and prints one JSON line per implementation:
// {"implementation": ..., "seconds": best of N repeats, "mb_per_s": ..., "digest": ...}.
// Driven by Benchmarks/hash_vs_hashlib.py, which times Python's hashlib (OpenSSL) in the same run.
import ReproFiles

let mebibytes = CommandLine.arguments.count > 1 ? Int(CommandLine.arguments[1])! : 64
let repeats = CommandLine.arguments.count > 2 ? Int(CommandLine.arguments[2])! : 3
let bytes = (0..<(mebibytes << 20)).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }

for (name, implementation) in [("fastest", SHA256.Implementation.fastest), ("portable", .portable)] {
    var fastest = Double.infinity
    var digest = ""
    for _ in 0..<repeats {
        let start = ContinuousClock.now
        var hash = SHA256(implementation)
        hash.update(bytes)
        let result = hash.finalize()
        let elapsed = ContinuousClock.now - start
        fastest = min(fastest, Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18)
        digest = result.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
    }
    let rate = Double(bytes.count) / fastest / 1e6
    print(#"{"implementation": "\#(name)", "hardware": \#(SHA256.usesHardware), "seconds": \#(fastest), "mb_per_s": \#(rate), "digest": "\#(digest)"}"#)
}
