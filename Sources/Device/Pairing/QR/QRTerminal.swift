/// Draws a QR code for a terminal: two module rows per text line with half blocks, and the
/// standard four-module quiet zone. Light modules are drawn as blocks, dark as blanks, which reads
/// as dark-on-light on the usual dark-background terminal (`lightBackground` flips it).
extension QRCode {
    public func terminalText(quietZone: Int = 4, lightBackground: Bool = false) -> String {
        let extent = size + 2 * quietZone
        func dark(_ x: Int, _ y: Int) -> Bool {
            let (mx, my) = (x - quietZone, y - quietZone)
            guard (0..<size).contains(mx), (0..<size).contains(my) else { return false }
            return self[mx, my]
        }
        var lines: [String] = []
        for y in stride(from: 0, to: extent, by: 2) {
            var line = ""
            for x in 0..<extent {
                // "Inked" means drawn with a glyph: light modules, unless the background is light.
                let top = dark(x, y) == lightBackground
                let bottom = y + 1 < extent ? dark(x, y + 1) == lightBackground : false
                let glyph: Character = switch (top, bottom) {
                case (true, true): "█"
                case (true, false): "▀"
                case (false, true): "▄"
                case (false, false): " "
                }
                line.append(glyph)
            }
            lines.append(line)
        }
        return lines.joined(separator: "\n")
    }
}
