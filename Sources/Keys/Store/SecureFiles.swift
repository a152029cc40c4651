import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Owner-only files and directories, written atomically: a temp file created 0600 with O_EXCL,
/// fsynced, then renamed over the target, so a crash leaves either the old key or the new one.
enum SecureFiles {
    static func ensureDirectory(_ path: String) throws(KeyStoreError) {
        var info = stat()
        if stat(path, &info) != 0 {
            guard mkdir(path, 0o700) == 0 || errno == EEXIST else { throw .io(path: path, reason: errnoText()) }
        }
        // A directory we did not create may have looser bits; tighten rather than refuse.
        guard chmod(path, 0o700) == 0 else { throw .io(path: path, reason: errnoText()) }
    }

    static func writeAtomically(_ data: [UInt8], to path: String) throws(KeyStoreError) {
        let directory = (path as NSString).deletingLastPathComponent
        let temp = (directory as NSString).appendingPathComponent(".tmp-\(UUID().uuidString)")
        let fd = open(temp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw .io(path: temp, reason: errnoText()) }
        var ok = true
        data.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let n = write(fd, raw.baseAddress! + offset, raw.count - offset)
                if n <= 0 { ok = false; return }
                offset += n
            }
        }
        if ok { ok = fsync(fd) == 0 }
        close(fd)
        guard ok, rename(temp, path) == 0 else {
            let reason = errnoText()
            unlink(temp)
            throw .io(path: path, reason: reason)
        }
        let dirFD = open(directory, O_RDONLY | O_CLOEXEC)
        if dirFD >= 0 { _ = fsync(dirFD); close(dirFD) }
    }

    static func read(_ path: String) throws(KeyStoreError) -> [UInt8]? {
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        guard let data = FileManager.default.contents(atPath: path) else { throw .io(path: path, reason: "unreadable") }
        return [UInt8](data)
    }

    /// Refuses a secret file others can read: a leaked key file is worse than a failed start.
    static func requireOwnerOnly(_ path: String) throws(KeyStoreError) {
        var info = stat()
        guard stat(path, &info) == 0 else { throw .io(path: path, reason: errnoText()) }
        let mode = info.st_mode & 0o777
        guard mode & 0o077 == 0 else { throw .insecurePermissions(path: path, mode: String(mode, radix: 8)) }
    }

    static func mode(_ path: String) -> Int? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return Int(info.st_mode & 0o777)
    }

    static func errnoText() -> String { String(cString: strerror(errno)) }
}
