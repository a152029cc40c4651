extension XRPCMethods {
    static let describeServer = XRPCMethod("com.atproto.server.describeServer", .query) { _, env in
        struct Output: Encodable, Sendable {
            let did: String
            let availableUserDomains: [String]
            let inviteCodeRequired: Bool
            let phoneVerificationRequired: Bool
            let blobUploadLimit: Int
            let links: [String: String]
            let contact: [String: String]
        }
        return .json(Output(did: env.config.serviceDID, availableUserDomains: env.config.serviceHandleDomains,
                            inviteCodeRequired: env.config.inviteRequired, phoneVerificationRequired: false,
                            blobUploadLimit: env.config.blobUploadLimit, links: [:], contact: [:]))
    }
}
