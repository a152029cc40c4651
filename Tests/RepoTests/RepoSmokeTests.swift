import Testing
@testable import Repo

@Suite struct RepoSmokeTests {
    @Test func moduleLinks() {
        #expect(!String(describing: RepoModule.self).isEmpty)
    }
}
