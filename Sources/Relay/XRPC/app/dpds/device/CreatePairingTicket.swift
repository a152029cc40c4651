import Foundation
import Protocol

extension XRPCMethods {
    /// The account holder asks for a ticket to pair their desktop (issue 7; lexicon in spec/lexicons).
    static let createPairingTicket = XRPCMethod("app.dpds.device.createPairingTicket", .procedure) { request, env in
        let auth = try env.auth.access(request)
        let ticket = try await env.enrollment.createTicket(did: auth.did)
        let expires = ISO8601DateFormatter().string(from: Date(timeIntervalSince1970: TimeInterval(ticket.expiresAt)))
        return .json(["ticket": ticket.text, "expiresAt": expires])
    }
}
