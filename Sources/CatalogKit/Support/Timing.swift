extension ContinuousClock.Instant {
    /// Whole milliseconds since this instant, for the durations catalog prints and records.
    public var millisecondsElapsed: Int {
        let duration = ContinuousClock.now - self
        return Int(duration.components.seconds * 1000 + duration.components.attoseconds / 1_000_000_000_000_000)
    }
}
