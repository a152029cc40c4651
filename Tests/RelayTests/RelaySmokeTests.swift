import Testing
@testable import Relay

@Suite struct RelaySmokeTests {
    @Test func moduleLinks() {
        #expect(!String(describing: RelayModule.self).isEmpty)
    }
}
