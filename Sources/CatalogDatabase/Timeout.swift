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

    /// `milliseconds` as seconds for a message: `0.5 s`, `30 s`, `1.25 s`.
    public static func describe(milliseconds: Int) -> String {
        let whole = milliseconds / 1000
        var fraction = String(milliseconds % 1000)
        guard fraction != "0" else { return "\(whole) s" }
        fraction = String(repeating: "0", count: 3 - fraction.count) + fraction
        while fraction.hasSuffix("0") { fraction.removeLast() }
        return "\(whole).\(fraction) s"
    }
}
