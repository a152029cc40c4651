import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// What the tests start other programs with, in place of Foundation's `Process` (same property
/// names, so a call site changes only its type).
///
/// Why not `Process`: on Linux its `run()` lists `/proc/self/fd` to close the child's descriptors
/// and copies each entry's whole 256-byte `d_name`. With about 1,350 descriptors open (the whole
/// suite running in one process) the last entry ends at the end of readdir's buffer and the copy
/// runs off it: SIGSEGV in `Process.run` (seen in a full run here). This spawns with `posix_spawn`
/// and has the child close what it should not inherit with `closefrom`.
public final class ChildProcess: @unchecked Sendable {
    // @unchecked: set up before `run`, then read-only; `status` is guarded by `condition`.
    public var executableURL: URL?
    public var arguments: [String] = []
    /// nil: the parent's environment.
    public var environment: [String: String]?
    public var currentDirectoryURL: URL?
    /// A `Pipe` or a `FileHandle`; nil inherits the parent's.
    public var standardInput: Any?
    public var standardOutput: Any?
    public var standardError: Any?
    public private(set) var processIdentifier: pid_t = 0

    private let condition = NSCondition()
    private var status: Int32?

    public init() {}

    public struct SpawnError: Error, CustomStringConvertible {
        public let call: String
        public let code: Int32
        public var description: String { "\(call) failed: \(String(cString: strerror(code)))" }
    }

    public func run() throws {
        guard let executable = executableURL?.path else { throw SpawnError(call: "run (no executableURL)", code: EINVAL) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        var parentCloses: [FileHandle] = []
        for (target, stream, childReads) in [(STDIN_FILENO, standardInput, true), (STDOUT_FILENO, standardOutput, false),
                                             (STDERR_FILENO, standardError, false)] {
            let fd: Int32
            switch stream {
            case let pipe as Pipe:
                let childEnd = childReads ? pipe.fileHandleForReading : pipe.fileHandleForWriting
                fd = childEnd.fileDescriptor
                parentCloses.append(childEnd)
            case let handle as FileHandle where handle === FileHandle.nullDevice:
                // Foundation's null device has no descriptor of its own (-1).
                let null = open("/dev/null", O_RDWR | O_CLOEXEC)
                guard null >= 0 else { throw SpawnError(call: "open /dev/null", code: errno) }
                fd = null
                parentCloses.append(FileHandle(fileDescriptor: null, closeOnDealloc: false))
            case let handle as FileHandle:
                fd = handle.fileDescriptor
            default:
                continue
            }
            try check("posix_spawn_file_actions_adddup2", posix_spawn_file_actions_adddup2(&actions, fd, target))
        }
        if let directory = currentDirectoryURL?.path {
            guard let addchdir = Self.addchdir else { throw SpawnError(call: "posix_spawn_file_actions_addchdir_np", code: ENOSYS) }
            try check("posix_spawn_file_actions_addchdir_np", directory.withCString { addchdir(&actions, $0) })
        }
        // Everything past stdio stays with the parent (what Foundation's emulated CLOEXEC_DEFAULT does).
        if let closefrom = Self.addclosefrom { try check("posix_spawn_file_actions_addclosefrom_np", closefrom(&actions, 3)) }

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        // A process group of its own, as Foundation's Process gives it.
        try check("posix_spawnattr_setflags", posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP)))

        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        let env = environment.map { $0.map { strdup("\($0.key)=\($0.value)") } + [nil] }
        defer { env?.forEach { free($0) } }
        var pid: pid_t = 0
        let result = env.map { posix_spawn(&pid, executable, &actions, &attributes, argv, $0) }
            ?? posix_spawn(&pid, executable, &actions, &attributes, argv, environ)
        try check("posix_spawn \(executable)", result)
        processIdentifier = pid
        for handle in parentCloses { try? handle.close() }
        // Reaps the child as soon as it ends, so `isRunning` and `waitUntilExit` need no polling.
        Thread.detachNewThread { [self, pid] in
            var raw: Int32 = 0
            while waitpid(pid, &raw, 0) == -1 && errno == EINTR {}
            condition.withLock { status = raw; condition.broadcast() }
        }
    }

    public var isRunning: Bool { processIdentifier != 0 && condition.withLock { status == nil } }

    public func waitUntilExit() {
        condition.withLock { while status == nil { condition.wait() } }
    }

    /// The exit code, or the signal that ended it (as Foundation reports them).
    public var terminationStatus: Int32 {
        let raw = condition.withLock { status } ?? 0
        let signal = raw & 0x7f
        return signal == 0 ? (raw >> 8) & 0xff : signal
    }

    public func terminate() { if processIdentifier != 0 { kill(processIdentifier, SIGTERM) } }
    public func interrupt() { if processIdentifier != 0 { kill(processIdentifier, SIGINT) } }

    private func check(_ call: String, _ result: Int32) throws {
        if result != 0 { throw SpawnError(call: call, code: result) }
    }

    // glibc's non-portable spawn actions, not in Swift's Glibc module: looked up at run time.
    private typealias AddCloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32
    private typealias AddChdir = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, UnsafePointer<CChar>) -> Int32
    private static let addclosefrom: AddCloseFrom? = symbol("posix_spawn_file_actions_addclosefrom_np")
    private static let addchdir: AddChdir? = symbol("posix_spawn_file_actions_addchdir_np")

    private static func symbol<T>(_ name: String) -> T? {
        guard let pointer = dlsym(UnsafeMutableRawPointer(bitPattern: 0), name) else { return nil }
        return unsafeBitCast(pointer, to: T.self)
    }
}
