import Testing

@testable import CatalogKit

@Suite struct NameMatchingTests {
    /// The reference order: folded key by bytes, then the name by bytes; repeats dropped.
    func reference(_ names: [String]) -> [String] {
        var seen: Set<String> = []
        return names.filter { seen.insert($0).inserted }.sorted {
            let (a, b) = (Array(NameMatching.key($0).utf8), Array(NameMatching.key($1).utf8))
            return a != b ? a.lexicographicallyPrecedes(b) : Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8))
        }
    }

    @Test func sortedUniqueOrdersAsTheNameColumnsDoAndDropsRepeats() {
        #expect(
            NameMatching.sortedUnique(["b", "B", "a", "b", "", "ab", "A", "é", "É", "Z"]) == [
                "", "A", "a", "ab", "B", "b", "Z", "É", "é",
            ])
        var generator = SystemRandomNumberGenerator()
        let alphabet: [String] = ["a", "A", "b", "B", "z", "_", "é", "É", " ", "1"]
        for _ in 0..<200 {
            let names = (0..<Int.random(in: 0...40, using: &generator)).map { _ in
                (0..<Int.random(in: 0...4, using: &generator)).map { _ in alphabet.randomElement(using: &generator)! }
                    .joined()
            }
            #expect(NameMatching.sortedUnique(names) == reference(names), "\(names)")
        }
    }
}
