/// The mask evaluation of ISO/IEC 18004 §7.8.3: runs of five or more (N1 = 3, +1 per extra module),
/// 2x2 blocks (N2 = 3), finder-like 1:1:3:1:1 patterns with four light modules on a side (N3 = 40),
/// and the dark proportion's distance from 50% (N4 = 10 per 5%).
extension QRMatrix {
    func penalty() -> Int {
        var score = 0
        var dark = 0
        for i in 0..<size {
            let row = (0..<size).map { self[$0, i] }
            let column = (0..<size).map { self[i, $0] }
            score += Self.runPenalty(row) + Self.finderPenalty(row)
            score += Self.runPenalty(column) + Self.finderPenalty(column)
            dark += row.filter { $0 }.count
        }
        for y in 0..<(size - 1) {
            for x in 0..<(size - 1) {
                let c = self[x, y]
                if c == self[x + 1, y], c == self[x, y + 1], c == self[x + 1, y + 1] { score += 3 }
            }
        }
        let total = size * size
        // Smallest k with |dark/total - 1/2| <= (k+1)/20, as Nayuki's reference computes it.
        let k = (abs(dark * 20 - total * 10) + total - 1) / total - 1
        score += max(0, k) * 10
        return score
    }

    static func runPenalty(_ line: [Bool]) -> Int {
        var score = 0
        var run = 1
        for i in 1...line.count {
            if i < line.count, line[i] == line[i - 1] { run += 1; continue }
            if run >= 5 { score += 3 + (run - 5) }
            run = 1
        }
        return score
    }

    /// Dark-light-dark(3)-light-dark in 1:1:3:1:1 with four light modules before or after; the
    /// quiet zone outside the symbol counts as light.
    static func finderPenalty(_ line: [Bool]) -> Int {
        let core: [Bool] = [true, false, true, true, true, false, true]
        let n = line.count
        func light(_ range: Range<Int>) -> Bool { range.allSatisfy { $0 < 0 || $0 >= n || !line[$0] } }
        var score = 0
        for start in 0...(n - core.count) where Array(line[start..<start + core.count]) == core {
            if light(start - 4..<start) || light(start + 7..<start + 11) { score += 40 }
        }
        return score
    }
}
