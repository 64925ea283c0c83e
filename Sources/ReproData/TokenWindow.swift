/// One sample of a next-token model: `input` is a run of tokens and `target` the same run shifted
/// by one, so `target[j]` is the token that follows `input[j]` (the sample ``CharacterWindows`` makes).
public struct TokenWindow: Sendable, Hashable {
    /// The tokens the model reads.
    public let input: [Int]
    /// The token after each input token: `target[j]` is to be predicted from `input[0...j]`.
    public let target: [Int]

    public init(input: [Int], target: [Int]) {
        self.input = input
        self.target = target
    }
}
