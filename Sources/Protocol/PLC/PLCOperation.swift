/// The unsigned body of a `plc_operation`: the whole identity state plus `prev`.
///
/// Field names and shapes follow the did:plc spec v0.1 and the reference `did-method-plc` types.
public struct PLCOperation: Sendable, Hashable {
    /// did:key strings, highest authority first (it may nullify ops signed by later keys).
    public var rotationKeys: [String]
    /// Key id (e.g. `atproto`) to did:key.
    public var verificationMethods: [String: String]
    /// URIs, e.g. `at://alice.example.com`.
    public var alsoKnownAs: [String]
    /// Service id (e.g. `atproto_pds`) to endpoint.
    public var services: [String: PLCService]
    /// CID of the previous op; nil only for genesis.
    public var prev: CID?

    public init(rotationKeys: [String], verificationMethods: [String: String], alsoKnownAs: [String],
                services: [String: PLCService], prev: CID?) {
        self.rotationKeys = rotationKeys
        self.verificationMethods = verificationMethods
        self.alsoKnownAs = alsoKnownAs
        self.services = services
        self.prev = prev
    }

    /// The op an atproto PDS writes: one signing key, one handle, one PDS endpoint.
    public static func atproto(signingKey: String, handle: String, pds: String, rotationKeys: [String],
                               prev: CID?) -> PLCOperation {
        PLCOperation(rotationKeys: rotationKeys, verificationMethods: ["atproto": signingKey],
                     alsoKnownAs: [ensureATPrefix(handle)], services: ["atproto_pds": .atprotoPDS(pds)], prev: prev)
    }

    /// The first `at://` entry of `alsoKnownAs`, without the scheme.
    public var handle: String? {
        alsoKnownAs.first(where: { $0.hasPrefix("at://") }).map { String($0.dropFirst(5)) }
    }

    public var atprotoSigningKey: String? { verificationMethods["atproto"] }
    public var pdsEndpoint: String? { services["atproto_pds"]?.endpoint }

    /// A successor of this state: same fields, `prev` pointing at `previous`, handle replaced as
    /// the reference library does (first `at://` entry swapped, others kept).
    public func updated(prev previous: CID?, handle: String? = nil, signingKey: String? = nil, pds: String? = nil,
                        rotationKeys newRotationKeys: [String]? = nil) -> PLCOperation {
        var next = self
        next.prev = previous
        if let handle {
            let formatted = PLCOperation.ensureATPrefix(handle)
            if let i = next.alsoKnownAs.firstIndex(where: { $0.hasPrefix("at://") }) {
                next.alsoKnownAs[i] = formatted
            } else {
                next.alsoKnownAs.insert(formatted, at: 0)
            }
        }
        if let signingKey { next.verificationMethods["atproto"] = signingKey }
        if let pds { next.services["atproto_pds"] = .atprotoPDS(pds) }
        if let newRotationKeys { next.rotationKeys = newRotationKeys }
        return next
    }

    var unsignedValue: DataValue {
        .map([
            "type": .string("plc_operation"),
            "rotationKeys": .array(rotationKeys.map(DataValue.string)),
            "verificationMethods": .map(verificationMethods.mapValues(DataValue.string)),
            "alsoKnownAs": .array(alsoKnownAs.map(DataValue.string)),
            "services": .map(services.mapValues(\.dataValue)),
            "prev": prev.map { .string($0.string) } ?? .null,
        ])
    }

    init(fields: inout PLCFields) throws(PLCError) {
        rotationKeys = try fields.strings("rotationKeys")
        verificationMethods = try fields.stringMap("verificationMethods")
        alsoKnownAs = try fields.strings("alsoKnownAs")
        guard case .map(let s) = try fields.take("services") else { throw .malformed("services is not a map") }
        var services: [String: PLCService] = [:]
        for (k, v) in s { services[k] = try PLCService(v) }
        self.services = services
        prev = try fields.prev()
    }

    public static func ensureHTTPPrefix(_ s: String) -> String {
        s.hasPrefix("http://") || s.hasPrefix("https://") ? s : "https://" + s
    }

    public static func ensureATPrefix(_ s: String) -> String {
        if s.hasPrefix("at://") { return s }
        if s.hasPrefix("http://") { return "at://" + s.dropFirst(7) }
        if s.hasPrefix("https://") { return "at://" + s.dropFirst(8) }
        return "at://" + s
    }
}

/// `plc_tombstone`: ends the DID. Only `prev` besides the signature.
public struct PLCTombstone: Sendable, Hashable {
    public var prev: CID
    public init(prev: CID) { self.prev = prev }
}

/// The deprecated v1 genesis (`type: "create"`), still found at the start of old logs.
public struct PLCLegacyCreate: Sendable, Hashable {
    public var signingKey: String
    public var recoveryKey: String
    public var handle: String
    public var service: String

    public init(signingKey: String, recoveryKey: String, handle: String, service: String) {
        self.signingKey = signingKey
        self.recoveryKey = recoveryKey
        self.handle = handle
        self.service = service
    }

    /// As the reference `normalizeOp`: recovery key outranks the signing key.
    public var normalized: PLCOperation {
        .atproto(signingKey: signingKey, handle: handle, pds: service, rotationKeys: [recoveryKey, signingKey], prev: nil)
    }
}
