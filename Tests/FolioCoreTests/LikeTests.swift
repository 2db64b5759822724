import Testing
@testable import FolioCore

/// `like` on bytes agrees with `like` on characters, for every pattern it takes.
@Suite struct LikeTests {
    func bytes(_ p: ByteLikePattern, _ s: String) -> Bool {
        var s = s
        return s.withUTF8 { p.matches($0) }
    }

    @Test func agreesWithTheCharacterMatcher() throws {
        let texts = ["", "Bank", "First National BANK", "banking", "Müller Bank AG", "Crédit Agricole", "东京 bank", "b%k", "ba", "nk", "bankbank", "Ünïcode"]
        let patterns = ["%bank%", "bank%", "%bank", "bank", "%", "%%", "", "b%k", "%n%k%", "%BANK%", "%müller%", "%é%", "a%", "%ank%ank"]
        var compared = 0
        for p in patterns {
            guard let fast = ByteLikePattern(p) else {
                // Non-ASCII patterns keep the character matcher.
                #expect(p.unicodeScalars.contains { $0.value >= 0x80 })
                continue
            }
            let slow = LikePattern(p)
            for t in texts {
                #expect(bytes(fast, t) == slow.matches(t), "\(p) on \(t)")
                compared += 1
            }
        }
        #expect(compared > 100)
        #expect(ByteLikePattern("b_nk") == nil, "_ is a character, not a byte")
        // A % in the text is not mistaken for the pattern's %: the pattern's is a wildcard.
        #expect(LikePattern("%b").matches("%ab"))
        #expect(LikePattern("_%").matches("%"))
    }

    /// Random texts long enough for the sixteen-bytes-at-a-time search, and random patterns;
    /// also with the text inside a larger arena whose following bytes must never count.
    /// (`@` and the backquote differ only in 0x20, as a letter's two cases do.)
    @Test func randomStrings() {
        var rng = RobustnessTests.SplitMix(state: 2026)
        let letters = Array("abABü.@`"), patternAlphabet = Array("abAB%.@`")
        for _ in 0..<8000 {
            let text = String((0..<Int(rng.next() % 70)).map { _ in rng.pick(letters) })
            let pattern = String((0..<Int(rng.next() % 7)).map { _ in rng.pick(patternAlphabet) })
            guard let fast = ByteLikePattern(pattern) else { continue }
            let expected = LikePattern(pattern).matches(text)
            #expect(bytes(fast, text) == expected, "\(pattern) on \(text)")
            let arena = Array(text.utf8) + Array(String((0..<Int(rng.next() % 40)).map { _ in rng.pick(letters) }).utf8)
            let n = text.utf8.count
            let inArena = arena.withUnsafeBufferPointer { fast.matches(UnsafeBufferPointer(rebasing: $0[0..<n]), readable: $0.count) }
            #expect(inArena == expected, "\(pattern) on \(text) followed by \(arena.dropFirst(n))")
        }
    }
}
