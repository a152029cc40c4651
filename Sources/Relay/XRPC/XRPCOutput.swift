import Foundation

/// What a handler returns: a JSON object, raw bytes with their content type, or nothing.
public enum XRPCOutput: Sendable {
    case json(any Encodable & Sendable)
    case bytes([UInt8], contentType: String, extraHeaders: [(String, String)] = [])
    case empty

    func encoded() throws -> (body: [UInt8], contentType: String?, extraHeaders: [(String, String)]) {
        switch self {
        case .json(let value):
            return (Array(try JSONEncoder.xrpc.encode(value)), "application/json; charset=utf-8", [])
        case .bytes(let bytes, let contentType, let extra):
            return (bytes, contentType, extra)
        case .empty:
            return ([], nil, [])
        }
    }
}
