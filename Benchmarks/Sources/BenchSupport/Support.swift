#if canImport(Glibc)
    import Glibc
#endif

/// Nanoseconds on the monotonic clock.
public func monotonicNanoseconds() -> UInt64 {
    var spec = timespec()
    clock_gettime(CLOCK_MONOTONIC, &spec)
    return UInt64(spec.tv_sec) * 1_000_000_000 + UInt64(spec.tv_nsec)
}

/// Writes `text` to stderr and exits with status 1 (or `status`).
public func fail(_ text: String, status: Int32 = 1) -> Never {
    writeError(text)
    exit(status)
}

/// Writes one line to stderr.
public func writeError(_ text: String) {
    let line = text.hasSuffix("\n") ? text : text + "\n"
    writeAll(2, Array(line.utf8))
}

/// Statistics of a list of measurements.
public struct Summary: Sendable {
    public var sorted: [Double]

    public init(_ values: [Double]) {
        sorted = values.sorted()
    }

    /// The value at `fraction` (0...1) by the nearest-rank method.
    public func percentile(_ fraction: Double) -> Double {
        guard !sorted.isEmpty else { return .nan }
        let rank = Int((fraction * Double(sorted.count)).rounded(.up))
        return sorted[Swift.min(Swift.max(rank, 1), sorted.count) - 1]
    }

    /// The median (the mean of the two middle values for an even count).
    public var median: Double {
        guard !sorted.isEmpty else { return .nan }
        let middle = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
    }

    public var min: Double { sorted.first ?? .nan }
    public var max: Double { sorted.last ?? .nan }
}

/// `value` with `digits` digits after the point (no Foundation formatting).
public func fixed(_ value: Double, _ digits: Int = 2) -> String {
    guard value.isFinite else { return "nan" }
    var scale = 1.0
    for _ in 0..<digits { scale *= 10 }
    let scaled = (abs(value) * scale).rounded()
    let whole = Int(scaled / scale)
    let fraction = Int(scaled - Double(whole) * scale)
    let sign = value < 0 && scaled != 0 ? "-" : ""
    guard digits > 0 else { return "\(sign)\(whole)" }
    let text = String(fraction)
    return "\(sign)\(whole)." + String(repeating: "0", count: digits - text.count) + text
}

/// `text` padded with spaces to `width` characters (left-aligned).
public func pad(_ text: String, _ width: Int) -> String {
    text.count >= width ? text : text + String(repeating: " ", count: width - text.count)
}

/// Writes every byte of `bytes` to file descriptor `fd`.
public func writeAll(_ fd: Int32, _ bytes: [UInt8]) {
    bytes.withUnsafeBytes { buffer in
        var offset = 0
        while offset < buffer.count {
            let written = write(fd, buffer.baseAddress! + offset, buffer.count - offset)
            if written < 0 && errno == EINTR { continue }
            if written <= 0 { return }
            offset += written
        }
    }
}

/// Writes `text` to stdout.
public func writeOutput(_ text: String) {
    writeAll(1, Array(text.utf8))
}
