import Foundation
import Logging

/// Makes the firehose's log and the mobile-only repos agree when the relay starts, before it takes
/// a request. A commit is made durable in the log first (its `#commit` event holds all its blocks
/// and ops) and stored in its repo file after, without an fsync (`RepoCommitWriter`). So:
/// - a repo behind the log (a power loss took the file's last transactions, or a crash came between
///   the two writes) gets the missing commits replayed from the log;
/// - a repo ahead of the log (a commit no event holds, or one stored by a relay from before the
///   log was the redo log) gets a `#sync` of its head, so followers resync to it (sync v1.1) rather
///   than meet a `since` they never saw.
/// Enrolled accounts are left out: their unannounced commits are sequenced when the desktop pushes
/// them again (`Enrollment.replay`).
enum FirehoseReconciler {
    /// Returns the DIDs it announced.
    @discardableResult
    static func run(_ env: RelayEnvironment) async throws -> [String] {
        guard let repo = env.repo else { return [] }
        var announced: [String] = []
        var cursor: String?
        repeat {
            let page = try await env.accounts.list(after: cursor, limit: 500)
            for account in page where account.isActive {
                // One account's trouble (an unreadable event, say) must not keep the relay down.
                do {
                    if try await announce(account.did, env, repo) { announced.append(account.did) }
                } catch {
                    env.logger.error("could not check the firehose against the repo", metadata: ["did": "\(account.did)", "error": "\(error)"])
                }
            }
            cursor = page.count == 500 ? page.last?.did : nil
        } while cursor != nil
        return announced
    }

    /// Emits the `#sync` when `did`'s repo is ahead of the firehose; says whether it did. When the
    /// firehose is ahead, the repo lost commits that only the log holds: they are replayed first.
    private static func announce(_ did: String, _ env: RelayEnvironment, _ repo: any RepoHost) async throws -> Bool {
        guard try await env.enrollment.mode(did: did) == .mobile,
              var head = try await repo.head(did: did),
              // No event retained (pruned, or none yet): nothing to compare with.
              let rev = try await env.sequencer.announcedRev(did: did) else { return false }
        if rev > head.rev {
            let lost = try env.sequencer.loggedCommits(did: did, after: head.rev)
            if !lost.isEmpty, let replayed = try await repo.replay(did: did, commits: lost.map(\.commit)) {
                env.logger.warning("repo had lost commits its firehose events held; replayed them",
                                   metadata: ["did": "\(did)", "from": "\(head.rev)", "to": "\(replayed.rev)", "commits": "\(lost.count)"])
                head = replayed
            }
        }
        guard rev < head.rev, try await env.sequencer.syncHead(did: did, repo: repo) else { return false }
        env.logger.warning("repo was ahead of the firehose; announced its head with #sync",
                           metadata: ["did": "\(did)", "announced": "\(rev)", "head": "\(head.rev)"])
        return true
    }
}
