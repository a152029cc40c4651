import Foundation
import HTTPTypes

/// The one error type every XRPC handler throws: rendered as `{"error", "message"}` with the status
/// and error name the lexicons (and the reference PDS) use, so clients can branch on `error`.
public struct XRPCError: Error, Sendable, Equatable, CustomStringConvertible {
    public let status: HTTPResponse.Status
    public let name: String
    public let message: String
    /// Seconds for a `Retry-After` header (503 answers while a desktop is offline or busy).
    public var retryAfter: Int?

    public init(_ status: HTTPResponse.Status, _ name: String, _ message: String, retryAfter: Int? = nil) {
        self.status = status
        self.name = name
        self.message = message
        self.retryAfter = retryAfter
    }

    public var description: String { "\(status.code) \(name): \(message)" }

    public static func invalidRequest(_ message: String, name: String = "InvalidRequest") -> XRPCError {
        XRPCError(.badRequest, name, message)
    }
    public static func authRequired(_ message: String = "Authentication Required") -> XRPCError {
        XRPCError(.unauthorized, "AuthRequired", message)
    }
    public static func authenticationRequired(_ message: String) -> XRPCError {
        XRPCError(.unauthorized, "AuthenticationRequired", message)
    }
    public static func invalidToken(_ message: String = "Token could not be verified") -> XRPCError {
        XRPCError(.badRequest, "InvalidToken", message)
    }
    public static func expiredToken(_ message: String = "Token has expired") -> XRPCError {
        XRPCError(.badRequest, "ExpiredToken", message)
    }
    public static func forbidden(_ message: String) -> XRPCError {
        XRPCError(.forbidden, "Forbidden", message)
    }
    public static func notFound(_ name: String, _ message: String) -> XRPCError {
        XRPCError(.badRequest, name, message)
    }
    public static func payloadTooLarge(_ message: String) -> XRPCError {
        XRPCError(.contentTooLarge, "PayloadTooLarge", message)
    }
    public static func methodNotImplemented(_ nsid: String) -> XRPCError {
        XRPCError(.notImplemented, "MethodNotImplemented", "Method Not Implemented: \(nsid)")
    }
    public static func internalError(_ message: String = "Internal Server Error") -> XRPCError {
        XRPCError(.internalServerError, "InternalServerError", message)
    }

    /// The JSON body, `{"error": name, "message": message}`.
    public var body: [UInt8] {
        let object: [String: String] = ["error": name, "message": message]
        return Array((try? JSONEncoder.xrpc.encode(object)) ?? Data())
    }
}

extension JSONEncoder {
    /// Sorted keys: stable output makes responses diffable and tests simple.
    static var xrpc: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }
}
