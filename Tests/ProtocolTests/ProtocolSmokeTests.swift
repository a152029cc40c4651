import Testing
@testable import Protocol

@Suite struct ProtocolSmokeTests {
    @Test func moduleLinks() {
        #expect(!String(describing: ProtocolModule.self).isEmpty)
    }
}
