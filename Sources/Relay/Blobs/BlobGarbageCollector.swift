import Foundation
import Logging
import ServiceLifecycle

/// Removes uploads no record claimed within an hour (the reference PDS's grace), every few minutes.
struct BlobGarbageCollector: Service {
    let blobs: any BlobStore
    let logger: Logger
    var grace: TimeInterval = 60 * 60
    var interval: Duration = .seconds(300)

    func run() async throws {
        let (blobs, logger, grace, interval) = (blobs, logger, grace, interval)
        // Graceful shutdown cancels the sleep, so the server stops promptly.
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
                    let removed = try await blobs.collectGarbage(uploadedBefore: Date().addingTimeInterval(-grace))
                    if removed > 0 { logger.info("blob GC removed temporary blobs", metadata: ["count": "\(removed)"]) }
                } catch {
                    logger.warning("blob GC failed", metadata: ["error": "\(error)"])
                }
                try? await Task.sleep(for: interval)
            }
        }
    }
}
