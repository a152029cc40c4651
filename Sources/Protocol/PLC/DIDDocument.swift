/// A DID document as atproto reads it: handle (`alsoKnownAs`), the `#atproto` signing key and
/// the `#atproto_pds` service. did:plc documents are built from the latest op; did:web ones are
/// fetched and parsed, ignoring members atproto does not use.
public struct DIDDocument: Sendable, Hashable {
    public struct VerificationMethod: Sendable, Hashable {
        public var id: String
        public var type: String
        public var controller: String
        public var publicKeyMultibase: String

        public init(id: String, type: String, controller: String, publicKeyMultibase: String) {
            self.id = id
            self.type = type
            self.controller = controller
            self.publicKeyMultibase = publicKeyMultibase
        }
    }

    public struct Service: Sendable, Hashable {
        public var id: String
        public var type: String
        public var serviceEndpoint: String

        public init(id: String, type: String, serviceEndpoint: String) {
            self.id = id
            self.type = type
            self.serviceEndpoint = serviceEndpoint
        }
    }

    public var context: [String]
    public var id: String
    public var alsoKnownAs: [String]
    public var verificationMethods: [VerificationMethod]
    public var services: [Service]

    public init(context: [String] = ["https://www.w3.org/ns/did/v1"], id: String, alsoKnownAs: [String],
                verificationMethods: [VerificationMethod], services: [Service]) {
        self.context = context
        self.id = id
        self.alsoKnownAs = alsoKnownAs
        self.verificationMethods = verificationMethods
        self.services = services
    }

    /// As the reference directory formats it: Multikey methods (ids `did#key`), a context per
    /// curve, services with ids `#service`. Map entries come out in sorted key order so one
    /// state has one document.
    public init(did: String, state: PLCOperation) {
        var context = ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"]
        var methods: [VerificationMethod] = []
        for (keyID, didKey) in state.verificationMethods.sorted(by: { $0.key < $1.key }) {
            if let curve = (try? DIDKey.parse(didKey))?.curve {
                let extra = curve == .k256 ? "https://w3id.org/security/suites/secp256k1-2019/v1"
                                           : "https://w3id.org/security/suites/ecdsa-2019/v1"
                if !context.contains(extra) { context.append(extra) }
            }
            let multibase = didKey.hasPrefix("did:key:") ? String(didKey.dropFirst(8)) : didKey
            methods.append(VerificationMethod(id: "\(did)#\(keyID)", type: "Multikey", controller: did,
                                              publicKeyMultibase: multibase))
        }
        let services = state.services.sorted(by: { $0.key < $1.key }).map {
            Service(id: "#\($0.key)", type: $0.value.type, serviceEndpoint: $0.value.endpoint)
        }
        self.init(context: context, id: did, alsoKnownAs: state.alsoKnownAs, verificationMethods: methods, services: services)
    }

    /// The handle claimed by the first `at://` entry.
    public var handle: String? {
        alsoKnownAs.first(where: { $0.hasPrefix("at://") }).map { String($0.dropFirst(5)) }
    }

    /// The repo signing key (`#atproto`), Multikey or the legacy 2019 key types.
    public var atprotoKey: (any PublicKey)? {
        guard let m = verificationMethods.first(where: { matches($0.id, "atproto") }) else { return nil }
        switch m.type {
        case "Multikey": return try? DIDKey.parseMultikey(m.publicKeyMultibase)
        case "EcdsaSecp256k1VerificationKey2019": return try? DIDKey.parseLegacyMultibase(m.publicKeyMultibase, curve: .k256)
        case "EcdsaSecp256r1VerificationKey2019": return try? DIDKey.parseLegacyMultibase(m.publicKeyMultibase, curve: .p256)
        default: return nil
        }
    }

    /// The PDS endpoint (`#atproto_pds`, type AtprotoPersonalDataServer).
    public var pdsEndpoint: String? {
        services.first(where: { matches($0.id, "atproto_pds") && $0.type == "AtprotoPersonalDataServer" })?.serviceEndpoint
    }

    /// `#frag` or `did#frag`, per the atproto DID spec.
    private func matches(_ id: String, _ fragment: String) -> Bool {
        id == "#" + fragment || id == self.id + "#" + fragment
    }
}
