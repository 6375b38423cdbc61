import CatalogKit

#if canImport(Glibc)
    import Glibc
#endif

/// What Ctrl-C does while `catalog sql` runs a statement: it interrupts the statement instead of
/// killing the process, as the sqlite3 shell does; with no statement to interrupt, the process
/// exits with 130. The policy is the CLI's; the backend only provides the `Interrupter`.
enum ControlC {
    /// The statement a SIGINT interrupts. A signal handler can only reach global state; the value
    /// (a backend handle, no reference counting) is written before the handler is installed.
    nonisolated(unsafe) static var target: (any Interrupter)?

    /// Makes Ctrl-C interrupt `interrupter`'s running statement.
    static func interrupt(_ interrupter: any Interrupter) {
        target = interrupter
        // A parent may have started us with SIGINT blocked (the mask is inherited); unblock it.
        var set = sigset_t()
        sigemptyset(&set)
        sigaddset(&set, SIGINT)
        pthread_sigmask(SIG_UNBLOCK, &set, nil)
        signal(SIGINT) { _ in
            if let target = ControlC.target {
                target.interrupt()
            } else {
                _exit(130)
            }
        }
    }

    /// Ctrl-C ends the process again.
    static func restore() {
        target = nil
        signal(SIGINT, nil)  // SIG_DFL
    }
}
