import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// One process owns a desktop directory's repo at a time: an exclusive `flock` on `daemon.lock`,
/// released when this object goes (or the process dies).
public final class DaemonLock: Sendable {
    private let fd: Int32

    public init?(directory: DeviceDirectory) {
        let fd = open(directory.lockPath, O_RDWR | O_CREAT, 0o600)
        guard fd >= 0 else { return nil }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else { close(fd); return nil }
        self.fd = fd
    }

    deinit { close(fd) }
}

/// Waits for SIGINT or SIGTERM.
public enum SignalWait {
    public static func untilTerminated() async {
        signal(SIGINT, SIG_IGN)
        signal(SIGTERM, SIG_IGN)
        await withCheckedContinuation { (cont: CheckedContinuation<Void, Never>) in
            let box = Box(cont)
            for sig in [SIGINT, SIGTERM] {
                let source = DispatchSource.makeSignalSource(signal: sig, queue: .global())
                source.setEventHandler { box.resume() }
                source.resume()
                box.sources.append(source)
            }
        }
    }

    private final class Box: @unchecked Sendable {
        let lock = NSLock()
        var cont: CheckedContinuation<Void, Never>?
        var sources: [DispatchSourceSignal] = []
        init(_ cont: CheckedContinuation<Void, Never>) { self.cont = cont }
        func resume() { lock.withLock { cont?.resume(); cont = nil } }
    }
}
