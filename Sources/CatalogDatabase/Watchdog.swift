#if canImport(Glibc)
    import Glibc
#endif

/// A thread that interrupts a connection once a deadline passes, and keeps interrupting it
/// (every millisecond) until cancelled.
///
/// A check run from inside the database (SQLite's progress handler every N instructions) cannot
/// stop work that happens within one instruction or between statements: one `randomblob()` call,
/// a recursive query with few instructions per row, 300,000 tiny statements. An interrupt from
/// another thread is checked by the database at every row and loop; repeating it covers the
/// moments between statements, when SQLite forgets an interrupt.
///
/// Some work cannot be interrupted at all: a C loop inside one SQL function call
/// (`printf('%.*c', 1000000000, 'x')` in SQLite 3.40 loops a billion times after its result is
/// already refused as too big). A command-line process that must keep its time limit gives a
/// `HardStop`, run when the work is still going `grace` after the deadline.
public final class Watchdog: @unchecked Sendable {
    /// What to do, once, when interrupting did not stop the work in time: print and exit the
    /// process.
    public struct HardStop: Sendable {
        public var grace: Duration
        public var action: @Sendable () -> Void

        public init(grace: Duration, action: @escaping @Sendable () -> Void) {
            self.grace = grace
            self.action = action
        }
    }

    private let deadline: ContinuousClock.Instant
    private let interrupter: any Interrupter
    private let hardStop: HardStop?
    /// Written to by `cancel()` to wake the thread at once.
    private var wake: (read: Int32, write: Int32) = (-1, -1)
    private var thread: pthread_t?

    /// Starts watching; call `cancel()` when the work is done (also on errors).
    public init(deadline: ContinuousClock.Instant, interrupter: any Interrupter, hardStop: HardStop? = nil) {
        self.deadline = deadline
        self.interrupter = interrupter
        self.hardStop = hardStop
        var fds: [Int32] = [-1, -1]
        guard pipe(&fds) == 0 else { return }  // no pipe: the caller's own checks only
        for fd in fds { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        wake = (fds[0], fds[1])
        var handle = pthread_t()
        let context = Unmanaged.passRetained(self).toOpaque()
        // The thread blocks every signal (it inherits the mask it is created with), so Ctrl-C
        // and the like go to the threads that handle them and never cut its poll short.
        var all = sigset_t()
        var previous = sigset_t()
        sigfillset(&all)
        pthread_sigmask(SIG_SETMASK, &all, &previous)
        defer { pthread_sigmask(SIG_SETMASK, &previous, nil) }
        if pthread_create(
            &handle, nil,
            { context in
                let watchdog = Unmanaged<Watchdog>.fromOpaque(context!).takeRetainedValue()
                watchdog.watch()
                return nil
            }, context) == 0
        {
            thread = handle
        } else {
            Unmanaged<Watchdog>.fromOpaque(context).release()
        }
    }

    /// Stops the thread and waits for it; no interrupt is sent after this returns.
    public func cancel() {
        if let thread {
            var byte: UInt8 = 1
            _ = write(wake.write, &byte, 1)
            pthread_join(thread, nil)
            self.thread = nil
        }
        for fd in [wake.read, wake.write] where fd >= 0 { close(fd) }
        wake = (-1, -1)
    }

    deinit {
        for fd in [wake.read, wake.write] where fd >= 0 { close(fd) }
    }

    private func watch() {
        let clock = ContinuousClock()
        var poller = pollfd(fd: wake.read, events: Int16(POLLIN), revents: 0)
        var stopped = false
        while true {
            let left = clock.now.duration(to: deadline)
            var wait: Int32 = 1
            if left > .zero {
                let (seconds, attoseconds) = left.components
                wait = Int32(min(seconds * 1000 + attoseconds / 1_000_000_000_000_000 + 1, 60_000))
            } else {
                interrupter.interrupt()
                if let hardStop, !stopped, clock.now >= deadline.advanced(by: hardStop.grace) {
                    stopped = true
                    hardStop.action()
                }
            }
            let ready = poll(&poller, 1, wait)
            if ready > 0 || (ready < 0 && errno != EINTR) { return }  // cancelled (or the pipe failed)
        }
    }
}
