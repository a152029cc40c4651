import Foundation
import Testing

/// Where the official atproto interop vectors and lexicons are. Tests never copy them into the repo.
///
/// Use as a trait: `@Test(.enabled(if: InteropCorpus.shouldRun, InteropCorpus.skipReason))`.
/// Under `CI=true` a missing corpus makes the test run and fail; elsewhere it is skipped with the reason.
public enum InteropCorpus {
    public static var directory: URL {
        if let env = ProcessInfo.processInfo.environment["ATPROTO_INTEROP_DIR"], !env.isEmpty {
            return URL(fileURLWithPath: env)
        }
        return PackageRoot.url.deletingLastPathComponent().appendingPathComponent("shared/atproto-interop-tests")
    }

    public static var lexiconDirectory: URL {
        if let env = ProcessInfo.processInfo.environment["ATPROTO_LEXICON_DIR"], !env.isEmpty {
            return URL(fileURLWithPath: env)
        }
        return PackageRoot.url.deletingLastPathComponent().appendingPathComponent("shared/atproto-lexicons")
    }

    public static var isPresent: Bool {
        FileManager.default.fileExists(atPath: directory.appendingPathComponent("README.md").path)
    }

    public static var isCI: Bool { ProcessInfo.processInfo.environment["CI"] == "true" }

    public static var shouldRun: Bool { isPresent || isCI }

    public static var skipReason: Comment {
        "interop corpus not found at \(directory.path) (set ATPROTO_INTEROP_DIR)"
    }

    /// Reads a corpus file; throws a clear error (failing the test) when it is missing.
    public static func data(_ relativePath: String) throws -> Data {
        let url = directory.appendingPathComponent(relativePath)
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw CorpusError.missing(url.path)
        }
        return data
    }

    /// Non-empty, non-comment lines of a `syntax/*.txt` style file.
    public static func lines(_ relativePath: String) throws -> [String] {
        let text = String(decoding: try data(relativePath), as: UTF8.self)
        return text.split(separator: "\n", omittingEmptySubsequences: false)
            .map(String.init)
            .filter { !$0.isEmpty && !$0.hasPrefix("#") }
    }

    public enum CorpusError: Error, CustomStringConvertible {
        case missing(String)
        public var description: String {
            switch self { case .missing(let p): return "interop vector file missing: \(p)" }
        }
    }
}

public enum PackageRoot {
    /// The package root, found from this file's location (Tests/TestSupport/InteropCorpus.swift).
    public static let url: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
}
