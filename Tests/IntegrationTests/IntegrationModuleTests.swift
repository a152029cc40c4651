import Device
import Keys
import Relay
import Testing

/// Placeholder so the target exists; the enrollment and recovery scenarios land here.
@Suite struct IntegrationModuleTests {
    @Test func peersLinkTogether() {
        #expect(KeysModule.name == "Keys")
    }
}
