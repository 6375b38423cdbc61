// bench-clients: many clients running one command over and over, at the same time, for a while.
//
//   bench-clients [--clients C] [--seconds S] [--warmup W] [--tsv FILE] -- COMMAND [ARG...]
//
// Keeps C copies of COMMAND running (default 16): each client starts the command, waits for it and
// starts it again at once, until S seconds (default 10) have passed; runs still going then are
// waited for and not counted. Commands are started directly with posix_spawnp (no shell), stdout
// to /dev/null, stderr left alone; any run exiting non-zero stops everything with status 1. The
// first W seconds (default 1) warm up and are not counted. Reports the runs completed in the
// measured time, the throughput (runs per second of measured time) and each run's wall time
// (spawn to the end of wait4): p50, p90, p99 and max in milliseconds. --tsv FILE also writes them
// tab-separated after a header line: clients, seconds, runs, per_second, p50_ms, p90_ms, p99_ms,
// max_ms.

import BenchSupport

#if canImport(Glibc)
    import Glibc
#endif

let usage = "usage: bench-clients [--clients C] [--seconds S] [--warmup W] [--tsv FILE] -- COMMAND [ARG...]"

var clients = 16
var seconds = 10.0
var warmupSeconds = 1.0
var tsvPath: String?
var command: [String] = []

var arguments = Array(CommandLine.arguments.dropFirst())
while !arguments.isEmpty {
    let argument = arguments.removeFirst()
    func value() -> String {
        guard !arguments.isEmpty else { fail(usage, status: 2) }
        return arguments.removeFirst()
    }
    switch argument {
    case "--clients":
        guard let count = Int(value()), count > 0 else { fail(usage, status: 2) }
        clients = count
    case "--seconds":
        guard let count = Double(value()), count > 0 else { fail(usage, status: 2) }
        seconds = count
    case "--warmup":
        guard let count = Double(value()), count >= 0 else { fail(usage, status: 2) }
        warmupSeconds = count
    case "--tsv": tsvPath = value()
    case "--":
        command = arguments
        arguments = []
    default: fail("bench-clients: unknown option \(argument)\n\(usage)", status: 2)
    }
}
guard !command.isEmpty else { fail(usage, status: 2) }

/// Starts `command` with stdout to /dev/null; returns its pid.
func start(_ command: [String]) -> pid_t {
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
    let cArguments = command.map { strdup($0) } + [nil]
    defer { for pointer in cArguments { free(pointer) } }
    var pid: pid_t = 0
    let code = posix_spawnp(&pid, command[0], &actions, nil, cArguments, environ)
    guard code == 0 else { fail("bench-clients: cannot start \(command[0]): \(String(cString: strerror(code)))") }
    return pid
}

let begin = monotonicNanoseconds()
let measureFrom = begin + UInt64(warmupSeconds * 1e9)
let end = measureFrom + UInt64(seconds * 1e9)
var running: [pid_t: UInt64] = [:]
var samples: [Double] = []
for _ in 0..<clients {
    let now = monotonicNanoseconds()
    running[start(command)] = now
}
while !running.isEmpty {
    var status: Int32 = 0
    let pid = waitpid(-1, &status, 0)
    if pid < 0 {
        guard errno == EINTR else { fail("bench-clients: waitpid failed") }
        continue
    }
    let now = monotonicNanoseconds()
    guard let started = running.removeValue(forKey: pid) else { continue }
    let exited = status & 0x7F == 0
    let exitCode = (status >> 8) & 0xFF
    if !exited || exitCode != 0 {
        let how = exited ? "exited with status \(exitCode)" : "was killed by signal \(status & 0x7F)"
        fail("bench-clients: FAILED: `\(command.joined(separator: " "))` \(how)")
    }
    // A run counts when it started and ended within the measured time.
    if started >= measureFrom && now <= end { samples.append(Double(now - started) / 1e6) }
    if now < end { running[start(command)] = monotonicNanoseconds() }
}
guard !samples.isEmpty else { fail("bench-clients: no run completed within the measured time") }

let summary = Summary(samples)
let perSecond = Double(samples.count) / seconds
let figures = [summary.percentile(0.5), summary.percentile(0.9), summary.percentile(0.99), summary.max]
writeOutput(
    "\(clients) clients, \(fixed(seconds, 1)) s: \(samples.count) runs, \(fixed(perSecond, 1))/s; "
        + "ms p50 \(fixed(figures[0])) p90 \(fixed(figures[1])) p99 \(fixed(figures[2])) max \(fixed(figures[3]))\n")
if let tsvPath {
    let tsv =
        "clients\tseconds\truns\tper_second\tp50_ms\tp90_ms\tp99_ms\tmax_ms\n"
        + ([String(clients), fixed(seconds, 1), String(samples.count), fixed(perSecond, 1)]
        + figures.map { fixed($0, 3) }).joined(separator: "\t") + "\n"
    guard let file = fopen(tsvPath, "w") else { fail("bench-clients: cannot write \(tsvPath)") }
    _ = fputs(tsv, file)
    if fclose(file) != 0 { fail("bench-clients: cannot write \(tsvPath)") }
}
