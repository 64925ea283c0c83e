/// The next-character samples of a range of tokens: non-overlapping windows of `context` tokens,
/// each with the `context` tokens that follow it one position later.
///
/// Sample `i` starts at `s = range.lowerBound + i × context` and is
/// `TokenWindow(input: tokens[s ..< s + context], target: tokens[s + 1 ..< s + context + 1])`;
/// there are `(range.count - 1) / context` of them, and the tokens after the last whole window are
/// not used. In numpy:
///
/// ```python
/// count = (len(part) - 1) // context
/// x = np.stack([part[i * context : i * context + context] for i in range(count)])
/// y = np.stack([part[i * context + 1 : i * context + context + 1] for i in range(count)])
/// ```
///
/// The windows are fixed, so an epoch visits every token of the range once (nanoGPT instead draws
/// random start offsets each step); shuffling and batching are the ``DataLoader``'s, with
/// ``TokenBatch/collate(_:indices:)``.
///
/// - Determinism: `sample(at:)` is a pure function of the index.
public struct CharacterWindows: Dataset, Hashable {
    /// The token sequence the windows are cut from (a whole corpus's tokens; only `range` is used).
    public let tokens: [Int]
    /// The positions of `tokens` the windows cover.
    public let range: Range<Int>
    /// The number of tokens in a window's input (and in its target).
    public let context: Int

    public var count: Int { (range.count - 1) / context }

    /// The windows of `tokens[range]` (all of `tokens` when `range` is nil).
    ///
    /// - Throws: ``DataError`` when `context` is less than 1, `range` is not within `tokens`, or
    ///   the range holds fewer than `context + 1` tokens (one window).
    public init(tokens: [Int], range: Range<Int>? = nil, context: Int) throws {
        let range = range ?? tokens.indices
        try Self.check(context: context)
        guard range.lowerBound >= 0, range.upperBound <= tokens.count else {
            throw DataError(source: "windows", "the range \(range) is not within the \(tokens.count) tokens")
        }
        guard range.count >= context + 1 else {
            throw DataError(source: "windows", "\(range.count) tokens are fewer than one window of context "
                            + "\(context) needs (context + 1 = \(context + 1) tokens)")
        }
        self.tokens = tokens
        self.range = range
        self.context = context
    }

    /// The window at `index`.
    ///
    /// - Throws: ``DataError`` when `index` is outside `0..<count`.
    public func sample(at index: Int) throws -> TokenWindow {
        guard (0..<count).contains(index) else {
            throw DataError(source: "windows", "sample index \(index) is outside 0..<\(count)")
        }
        let start = range.lowerBound + index * context
        return TokenWindow(input: Array(tokens[start..<start + context]),
                           target: Array(tokens[start + 1..<start + context + 1]))
    }

    static func check(context: Int) throws {
        guard context >= 1 else { throw DataError(source: "windows", "context must be at least 1, got \(context)") }
    }
}

extension CharacterCorpus {
    /// The windows of the first `1 - validationFraction` of the tokens for training and of the rest
    /// for validation, nanoGPT's split (`0.1` is its `data[:int(n*0.9)]`, `data[int(n*0.9):]`):
    ///
    /// ```python
    /// n = int(len(tokens) * (1 - validation_fraction))
    /// training, validation = tokens[:n], tokens[n:]
    /// ```
    ///
    /// The split is by position, not random: validation text is text the model never trains on.
    ///
    /// - Throws: ``DataError`` when `context` is less than 1, the fraction is not in (0, 1), or
    ///   either part is shorter than one window (`context + 1` tokens).
    public func windows(context: Int, validationFraction: Double) throws
        -> (training: CharacterWindows, validation: CharacterWindows) {
        try CharacterWindows.check(context: context)
        guard validationFraction > 0, validationFraction < 1 else {
            throw DataError(source: source, "validationFraction must be in (0, 1), got \(validationFraction)")
        }
        let trainingCount = Int(Double(tokens.count) * (1 - validationFraction))
        let validationCount = tokens.count - trainingCount
        guard min(trainingCount, validationCount) >= context + 1 else {
            throw DataError(source: source, "validationFraction \(validationFraction) of \(tokens.count) tokens "
                            + "leaves \(trainingCount) for training and \(validationCount) for validation; "
                            + "each part needs one window of context \(context) (context + 1 = \(context + 1) tokens)")
        }
        return (try CharacterWindows(tokens: tokens, range: 0..<trainingCount, context: context),
                try CharacterWindows(tokens: tokens, range: trainingCount..<tokens.count, context: context))
    }
}
