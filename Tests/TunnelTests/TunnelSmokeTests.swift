import Testing
@testable import Tunnel

@Suite struct TunnelSmokeTests {
    @Test func moduleLinks() {
        #expect(!String(describing: TunnelModule.self).isEmpty)
    }
}
