import CatalogKit
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// What Ctrl-C does while `migrate`, `seed` or `setup` runs: says in one line what was written
/// (usually nothing: the running transaction is never committed, and the database rolls it back)
/// and exits with 130, the status of a process ended by SIGINT.
///
/// A signal handler may only call async-signal-safe functions, so the line is composed
/// beforehand, whenever what was written changes (`say`), into one of two buffers; the buffer
/// and its length are published through one atomic word, which the handler reads before
/// `write(2)` and `_exit(2)`. The buffer being filled is never the published one.
enum WriteInterruption {
    private static let capacity = 2048
    nonisolated(unsafe) private static let buffers = UnsafeMutablePointer<UInt8>.allocate(capacity: 2 * capacity)
    /// The published buffer (bit 32) and the length of its text (the low 32 bits).
    private static let published = Atomic<Int>(0)
    nonisolated(unsafe) private static var prefix = ""
    /// Set once, by the `catalog` process; in-process tests never install the handler.
    nonisolated(unsafe) private static var isInstalled = false

    /// Installs the handler; `clearing` puts `\r\e[K` before the line, to wipe a status line.
    static func install(clearing: Bool) {
        prefix = clearing ? "\r\u{1B}[K" : ""
        isInstalled = true
        say("interrupted: nothing was written")
        // A parent may have started us with SIGINT blocked (the mask is inherited); unblock it.
        var set = sigset_t()
        sigemptyset(&set)
        sigaddset(&set, SIGINT)
        pthread_sigmask(SIG_UNBLOCK, &set, nil)
        signal(SIGINT) { _ in
            let value = WriteInterruption.published.load(ordering: .acquiring)
            let start = WriteInterruption.buffers + (value >> 32) * WriteInterruption.capacity
            var count = value & 0xFFFF_FFFF
            var next = start
            while count > 0 {
                let written = write(STDERR_FILENO, next, count)
                if written <= 0 { break }
                count -= written
                next += written
            }
            _exit(130)
        }
    }

    /// Makes `text` (one line, without its line feed) what Ctrl-C prints from now on.
    static func say(_ text: String) {
        guard isInstalled else { return }
        let slot = 1 - (published.load(ordering: .relaxed) >> 32)
        let bytes = Array((prefix + TerminalText.shown(text)).utf8.prefix(capacity - 1)) + [UInt8(ascii: "\n")]
        let start = buffers + slot * capacity
        start.update(from: bytes, count: bytes.count)
        published.store(slot << 32 | bytes.count, ordering: .releasing)
    }
}
