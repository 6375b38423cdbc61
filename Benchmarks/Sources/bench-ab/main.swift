// bench-ab: runs two or more commands alternately and reports their wall time and peak memory.
//
//   bench-ab [--runs N] [--warmup W] [--before SHELL-COMMAND] [--name NAME]... [--tsv FILE]
//            -- COMMAND [ARG...] ::: COMMAND [ARG...] [::: ...]
//
// Each round runs every command once, in the order given (A B A B ...): W warm-up rounds, then N
// measured ones. Commands are started directly with posix_spawnp (no shell, so no shell
// start-up in the figures), with stdout sent to /dev/null and stderr left alone. The optional
// --before command runs through /bin/sh before every run (warm-up too), untimed, e.g. to reset a
// database from a template copy. Any command exiting non-zero stops everything with status 1.
//
// Wall time is CLOCK_MONOTONIC from spawn to the end of wait4; peak RSS is wait4's ru_maxrss.
// Printed per command: median, min and max wall time, peak RSS (the largest over the measured
// runs), and the median over rounds of the ratio of its time to the first command's time in the
// same round. --tsv FILE also writes those figures tab-separated, one line per command, after a
// header line: name, runs, median_ms, min_ms, max_ms, peak_rss_kb, ratio.
//
// Peak RSS has a floor: posix_spawn starts the child with vfork semantics, so at exec the kernel
// records the parent's high-water mark as the child's. The floor (what `true` reports, a few MB:
// bench-ab's own memory) is printed, and written as a last TSV line `#floor_rss_kb<TAB>KB`;
// figures near it say only "at most this much".

import BenchSupport

#if canImport(Glibc)
    import Glibc
#endif

struct Options {
    var runs = 10
    var warmup = 1
    var before: String?
    var names: [String] = []
    var tsv: String?
    var commands: [[String]] = []
}

let usage = """
    usage: bench-ab [--runs N] [--warmup W] [--before SHELL-COMMAND] [--name NAME]... [--tsv FILE] \
    -- COMMAND [ARG...] ::: COMMAND [ARG...] [::: ...]
    """

func parse(_ arguments: [String]) -> Options {
    var options = Options()
    var index = 0
    func value() -> String {
        index += 1
        guard index < arguments.count else { fail(usage, status: 2) }
        return arguments[index]
    }
    while index < arguments.count {
        let argument = arguments[index]
        switch argument {
        case "--runs":
            guard let runs = Int(value()), runs > 0 else { fail("bench-ab: --runs needs a positive number", status: 2) }
            options.runs = runs
        case "--warmup":
            guard let warmup = Int(value()), warmup >= 0 else {
                fail("bench-ab: --warmup needs a number", status: 2)
            }
            options.warmup = warmup
        case "--before": options.before = value()
        case "--name": options.names.append(value())
        case "--tsv": options.tsv = value()
        case "--":
            var current: [String] = []
            for word in arguments[(index + 1)...] {
                if word == ":::" {
                    options.commands.append(current)
                    current = []
                } else {
                    current.append(word)
                }
            }
            options.commands.append(current)
            index = arguments.count
        default: fail("bench-ab: unknown option \(argument)\n\(usage)", status: 2)
        }
        index += 1
    }
    if options.commands.isEmpty || options.commands.contains(where: \.isEmpty) { fail(usage, status: 2) }
    if !options.names.isEmpty && options.names.count != options.commands.count {
        fail("bench-ab: give one --name per command or none", status: 2)
    }
    if options.names.isEmpty { options.names = options.commands.map { $0.joined(separator: " ") } }
    return options
}

/// The outcome of one run.
struct Run {
    var nanoseconds: UInt64
    var maxRSSKilobytes: Int
}

/// Spawns `argv` (looked up on PATH), waits for it and returns its time and peak RSS; exits the
/// benchmark when it cannot start or does not exit with status 0.
func spawn(_ argv: [String], quiet: Bool) -> Run {
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    if quiet { posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0) }
    let cArguments = argv.map { strdup($0) } + [nil]
    defer { for pointer in cArguments { free(pointer) } }
    var pid: pid_t = 0
    let start = monotonicNanoseconds()
    let code = posix_spawnp(&pid, argv[0], &actions, nil, cArguments, environ)
    guard code == 0 else { fail("bench-ab: cannot start \(argv[0]): \(String(cString: strerror(code)))") }
    var status: Int32 = 0
    var usage = rusage()
    while wait4(pid, &status, 0, &usage) < 0 {
        guard errno == EINTR else { fail("bench-ab: wait4 failed for \(argv[0])") }
    }
    let elapsed = monotonicNanoseconds() - start
    let exited = status & 0x7F == 0
    let exitCode = (status >> 8) & 0xFF
    if !exited || exitCode != 0 {
        let how = exited ? "exited with status \(exitCode)" : "was killed by signal \(status & 0x7F)"
        fail("bench-ab: FAILED: `\(argv.joined(separator: " "))` \(how)")
    }
    return Run(nanoseconds: elapsed, maxRSSKilobytes: Int(usage.ru_maxrss))
}

let options = parse(Array(CommandLine.arguments.dropFirst()))
var runs: [[Run]] = Array(repeating: [], count: options.commands.count)
for round in 0..<(options.warmup + options.runs) {
    for (index, command) in options.commands.enumerated() {
        if let before = options.before { _ = spawn(["/bin/sh", "-c", before], quiet: false) }
        let run = spawn(command, quiet: true)
        if round >= options.warmup { runs[index].append(run) }
    }
}

var table: [[String]] = [["command", "median ms", "min ms", "max ms", "peak RSS MB", "ratio (median of rounds)"]]
var tsv = "name\truns\tmedian_ms\tmin_ms\tmax_ms\tpeak_rss_kb\tratio\n"
for (index, name) in options.names.enumerated() {
    let times = Summary(runs[index].map { Double($0.nanoseconds) / 1e6 })
    let ratios = Summary(zip(runs[index], runs[0]).map { Double($0.nanoseconds) / Double($1.nanoseconds) })
    let peak = runs[index].map(\.maxRSSKilobytes).max() ?? 0
    table.append([
        name, fixed(times.median), fixed(times.min), fixed(times.max), fixed(Double(peak) / 1024, 1),
        fixed(ratios.median) + "x",
    ])
    tsv +=
        [
            name, String(options.runs), fixed(times.median, 3), fixed(times.min, 3), fixed(times.max, 3), String(peak),
            fixed(ratios.median, 3),
        ].joined(separator: "\t") + "\n"
}
let floor = spawn(["true"], quiet: true).maxRSSKilobytes
tsv += "#floor_rss_kb\t\(floor)\n"
let widths = (0..<table[0].count).map { column in table.map { $0[column].count }.max() ?? 0 }
for row in table {
    writeOutput(row.enumerated().map { pad($1, widths[$0]) }.joined(separator: "  ") + "\n")
}
writeOutput("(peak RSS floor, inherited from bench-ab at exec: \(fixed(Double(floor) / 1024, 1)) MB)\n")
if let path = options.tsv {
    guard let file = fopen(path, "w") else { fail("bench-ab: cannot write \(path)") }
    _ = fputs(tsv, file)
    if fclose(file) != 0 { fail("bench-ab: cannot write \(path)") }
}
