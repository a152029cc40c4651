import Foundation
import GRDB
import Protocol
import Repo

extension Sequencer {
    /// `did`'s retained `#commit` events newer than `rev`, oldest first, as commits to replay into a
    /// repo that lost them (`RepoCommitWriter` makes commits durable in this log only).
    /// Synchronous (a short read): an account's actor calls it to recover from a failed repo write.
    public func loggedCommits(did: String, after rev: String) throws -> [(rev: String, commit: LoggedCommit)] {
        try db.read { db in
            let frames = try Data.fetchCursor(db, sql: """
                SELECT event FROM repo_seq WHERE did = ? AND eventType = '#commit' AND invalidated = 0 ORDER BY seq DESC
                """, arguments: [did])
            var newer: [(rev: String, commit: LoggedCommit)] = []
            // Newest first, so the read stops at the repo's head instead of going through all history.
            while let frame = try frames.next() {
                guard let body = try FirehoseFrame.body(of: Array(frame)).mapValue else { throw SequencerError.malformedEvent("#commit body is not a map") }
                guard let eventRev = body["rev"]?.stringValue else { throw SequencerError.malformedEvent("#commit without rev") }
                if eventRev <= rev { break }
                newer.append((eventRev, try Self.loggedCommit(body)))
            }
            return newer.reversed()
        }
    }

    static func loggedCommit(_ body: [String: DataValue]) throws -> LoggedCommit {
        guard let commit = body["commit"]?.linkValue, let blocks = body["blocks"]?.bytesValue,
              let ops = body["ops"]?.arrayValue else { throw SequencerError.malformedEvent("#commit without commit, blocks or ops") }
        return LoggedCommit(commit: commit, since: body["since"]?.stringValue, blocks: blocks, ops: try ops.map { op in
            guard let path = op.mapValue?["path"]?.stringValue else { throw SequencerError.malformedEvent("op without path") }
            return LoggedCommit.Op(path: path, cid: op.mapValue?["cid"]?.linkValue)
        })
    }
}
