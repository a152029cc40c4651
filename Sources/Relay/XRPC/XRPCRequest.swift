import Foundation
import HTTPTypes
import Logging

/// What a handler sees of an XRPC call: the query parameters, the collected body, the headers.
/// Kept free of Hummingbird types so handlers read as plain functions of their input.
public struct XRPCRequest: Sendable {
    public let nsid: String
    public let parameters: [String: [String]]
    public let headers: HTTPFields
    public let body: [UInt8]
    public let logger: Logger

    public init(nsid: String, parameters: [String: [String]], headers: HTTPFields, body: [UInt8], logger: Logger) {
        self.nsid = nsid
        self.parameters = parameters
        self.headers = headers
        self.body = body
        self.logger = logger
    }

    public func param(_ name: String) -> String? { parameters[name]?.first }

    public func requiredParam(_ name: String) throws(XRPCError) -> String {
        guard let value = param(name), !value.isEmpty else {
            throw XRPCError.invalidRequest("Error: Params must have the property \"\(name)\"")
        }
        return value
    }

    public func intParam(_ name: String, default fallback: Int, range: ClosedRange<Int>) throws(XRPCError) -> Int {
        guard let raw = param(name) else { return fallback }
        guard let value = Int(raw), range.contains(value) else {
            throw XRPCError.invalidRequest("Error: \(name) must be an integer in \(range.lowerBound)...\(range.upperBound)")
        }
        return value
    }

    public func boolParam(_ name: String) throws(XRPCError) -> Bool? {
        switch param(name) {
        case nil: return nil
        case "true": return true
        case "false": return false
        default: throw XRPCError.invalidRequest("Error: \(name) must be a boolean")
        }
    }

    /// Decodes the JSON input body; a missing or malformed body is the caller's fault (400).
    public func decodeInput<T: Decodable>(_ type: T.Type = T.self) throws(XRPCError) -> T {
        if let contentType = headers[.contentType], !contentType.lowercased().hasPrefix("application/json") {
            throw XRPCError.invalidRequest("Wrong request encoding (Content-Type): \(contentType)")
        }
        guard !body.isEmpty else { throw XRPCError.invalidRequest("Request body is required") }
        do {
            return try JSONDecoder().decode(T.self, from: Data(body))
        } catch let DecodingError.keyNotFound(key, _) {
            throw XRPCError.invalidRequest("Input must have the property \"\(key.stringValue)\"")
        } catch let DecodingError.typeMismatch(_, context) {
            throw XRPCError.invalidRequest("Input has a wrong type at \(Self.path(context.codingPath)): \(context.debugDescription)")
        } catch {
            throw XRPCError.invalidRequest("Input is not valid JSON for \(nsid)")
        }
    }

    private static func path(_ keys: [any CodingKey]) -> String {
        keys.map(\.stringValue).joined(separator: ".")
    }
}
