import Testing
@testable import Relay

@Suite struct ReadThroughCacheTests {
    @Test func keepsLoadedValuesUntilInvalidated() async throws {
        let cache = ReadThroughCache<String, Int?>()
        #expect(await cache.value("a") { 1 } == 1)
        #expect(await cache.value("a") { 2 } == 1)        // from memory
        #expect(await cache.value("none") { nil } == nil)
        #expect(await cache.value("none") { 3 } == nil)   // "absent" is kept too
        cache.invalidateAll()
        #expect(await cache.value("a") { 2 } == 2)
        #expect(await cache.value("none") { 3 } == 3)
    }

    /// A load that was under way when the table changed returns what it read but does not keep it.
    @Test func aLoadRacingAWriteIsNotKept() async throws {
        let cache = ReadThroughCache<String, Int>()
        let stale = await cache.value("a") {
            cache.invalidateAll()   // the write commits while this read is in flight
            return 1
        }
        #expect(stale == 1)
        #expect(await cache.value("a") { 2 } == 2)
    }
}
