import Keys
import Testing

@Suite struct KeysModuleTests {
    @Test func moduleLinks() {
        #expect(KeysModule.name == "Keys")
    }
}
