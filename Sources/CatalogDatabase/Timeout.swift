/// Time limits given in seconds (`--lock-timeout`, `--timeout`), as the whole milliseconds the
/// database layers wait.
public enum Timeout {
    /// The longest wait catalog accepts, in seconds: one day.
    public static let maximumSeconds: Double = 86_400

    /// `seconds` as whole milliseconds, clamped to 0...`maximumSeconds`.
    public static func milliseconds(_ seconds: Double) -> Int {
        guard seconds.isFinite else { return Int(maximumSeconds * 1000) }
        return Int(min(max(seconds, 0), maximumSeconds) * 1000)
    }
}
