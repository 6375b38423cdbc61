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

    /// The SIGINT action before `interrupt`, which `restore` puts back (the prompt's, between
    /// statements).
    nonisolated(unsafe) private static var previous = sigaction()

    /// Makes Ctrl-C interrupt `interrupter`'s running statement.
    static func interrupt(_ interrupter: any Interrupter) {
        target = interrupter
        // A parent may have started us with SIGINT blocked (the mask is inherited); unblock it.
        var set = sigset_t()
        sigemptyset(&set)
        sigaddset(&set, SIGINT)
        pthread_sigmask(SIG_UNBLOCK, &set, nil)
        var action = sigaction()
        action.__sigaction_handler.sa_handler = { _ in
            if let target = ControlC.target {
                target.interrupt()
            } else {
                _exit(130)
            }
        }
        action.sa_flags = Int32(SA_RESTART)
        sigemptyset(&action.sa_mask)
        sigaction(SIGINT, &action, &previous)
    }

    /// Ctrl-C does again what it did before `interrupt`: ends the process, or, at the prompt,
    /// drops the line being typed.
    static func restore() {
        sigaction(SIGINT, &previous, nil)
        target = nil
    }
}
