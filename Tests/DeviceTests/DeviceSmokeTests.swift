import Testing
@testable import Device

@Suite struct DeviceSmokeTests {
    @Test func moduleLinks() {
        #expect(!String(describing: DeviceModule.self).isEmpty)
    }
}
