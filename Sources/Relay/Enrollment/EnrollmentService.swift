import ServiceLifecycle

/// Runs the tunnel listener for as long as the relay serves, and prunes the commit buffer on
/// schedule (retention of the policy's `commit-buffer`).
struct EnrollmentService: Service {
    let enrollment: Enrollment

    func run() async throws {
        try await enrollment.start()
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                await enrollment.pruneCommitBuffer()
                try? await Task.sleep(for: .seconds(3600))
            }
        }
        await enrollment.stop()
    }
}
