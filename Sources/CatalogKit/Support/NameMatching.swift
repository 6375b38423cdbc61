#if canImport(Glibc)
    import Glibc
#endif

/// How catalog compares names: ignoring the case of ASCII letters, as the name columns' collation
/// does, and suggesting the nearest known name for a misspelt one.
public enum NameMatching {
    /// `byte` lowercased if it is an ASCII capital letter (UTF-8 bytes of other characters are
    /// never in that range).
    @inlinable
    public static func fold(_ byte: UInt8) -> UInt8 { byte >= 0x41 && byte <= 0x5A ? byte + 0x20 : byte }

    /// `text` with ASCII letters lowercased: equal keys mean equal names in the database.
    public static func key(_ text: String) -> String {
        guard text.utf8.contains(where: { $0 >= 0x41 && $0 <= 0x5A }) else { return text }
        let utf8 = text.utf8
        return String(unsafeUninitializedCapacity: utf8.count) { buffer in
            var count = 0
            for byte in utf8 {
                buffer[count] = fold(byte)
                count += 1
            }
            return count
        }
    }

    /// `names` sorted ignoring ASCII case (ties by bytes), without repeats: the order of the name
    /// columns' collation. This is the hot path of a framework card listing thousands of
    /// companies, so every name's folded and raw bytes go into one buffer once, and the sort moves
    /// only integer indices compared with `memcmp` (no reference counting inside the sort).
    public static func sortedUnique(_ names: [String]) -> [String] {
        if names.count < 2 { return names }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(names.reduce(0) { $0 + 2 * $1.utf8.count })
        var entries: [SortEntry] = []
        entries.reserveCapacity(names.count)
        for (index, name) in names.enumerated() {
            entries.append(SortEntry(start: bytes.count, length: name.utf8.count, index: index))
            for byte in name.utf8 { bytes.append(fold(byte)) }
            bytes.append(contentsOf: name.utf8)
        }
        bytes.withUnsafeBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return }
            let precedes = { (a: SortEntry, b: SortEntry) -> Bool in
                let common = min(a.length, b.length)
                var order = common == 0 ? 0 : memcmp(base + a.start, base + b.start, common)
                if order == 0 && a.length == b.length && common > 0 {
                    // Equal ignoring case: the raw bytes, stored right after the folded ones, decide.
                    order = memcmp(base + a.start + a.length, base + b.start + b.length, common)
                }
                return order != 0 ? order < 0 : a.length < b.length
            }
            // Lists read in the database's order are often sorted already.
            if zip(entries, entries.dropFirst()).contains(where: { !precedes($0, $1) }) {
                entries.sort(by: precedes)
            }
        }
        var sorted: [String] = []
        sorted.reserveCapacity(names.count)
        for entry in entries where sorted.last != names[entry.index] { sorted.append(names[entry.index]) }
        return sorted
    }

    /// One name of `sortedUnique`: where its bytes are, and its place in the input.
    private struct SortEntry {
        var start: Int
        var length: Int
        var index: Int
    }

    /// Levenshtein distance between two strings, by Unicode scalars.
    public static func distance(_ a: String, _ b: String) -> Int {
        let a = Array(a.unicodeScalars)
        let b = Array(b.unicodeScalars)
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous = Array(0...b.count)
        var current = Array(repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            swap(&previous, &current)
        }
        return previous[b.count]
    }

    /// The candidate nearest to `text` (ignoring ASCII case), when it is near enough to be a
    /// likely typo: at most 2 edits, or a third of the name's length for long names.
    public static func closest(to text: String, in candidates: some Sequence<String>) -> String? {
        let target = key(text)
        var best: (name: String, distance: Int)?
        let bound = max(2, target.unicodeScalars.count / 3)
        for candidate in candidates {
            // Names whose lengths differ by more than the bound cannot be near enough.
            if abs(candidate.unicodeScalars.count - target.unicodeScalars.count) > bound { continue }
            let distance = distance(target, key(candidate))
            if let current = best,
                distance > current.distance || (distance == current.distance && candidate >= current.name)
            {
                continue
            }
            best = (candidate, distance)
        }
        guard let best, best.distance <= bound else { return nil }
        return best.name
    }
}
