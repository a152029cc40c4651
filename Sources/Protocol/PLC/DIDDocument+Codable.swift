extension DIDDocument {
    public var dataValue: DataValue {
        .map([
            "@context": .array(context.map(DataValue.string)),
            "id": .string(id),
            "alsoKnownAs": .array(alsoKnownAs.map(DataValue.string)),
            "verificationMethod": .array(verificationMethods.map {
                .map(["id": .string($0.id), "type": .string($0.type), "controller": .string($0.controller),
                      "publicKeyMultibase": .string($0.publicKeyMultibase)])
            }),
            "service": .array(services.map {
                .map(["id": .string($0.id), "type": .string($0.type), "serviceEndpoint": .string($0.serviceEndpoint)])
            }),
        ])
    }

    public var json: String { DataModelJSON.encodeString(dataValue) }

    /// Lenient on members atproto ignores (other methods, non-string endpoints are skipped),
    /// strict on `id`.
    public init(dataValue value: DataValue) throws(PLCError) {
        guard let id = value["id"]?.stringValue else { throw .malformed("DID document lacks a string id") }
        let strings: (DataValue?) -> [String] = { $0?.arrayValue?.compactMap(\.stringValue) ?? [] }
        var context = strings(value["@context"])
        if context.isEmpty, let single = value["@context"]?.stringValue { context = [single] }
        let methods: [VerificationMethod] = (value["verificationMethod"]?.arrayValue ?? []).compactMap { m in
            guard let mid = m["id"]?.stringValue, let type = m["type"]?.stringValue,
                  let key = m["publicKeyMultibase"]?.stringValue else { return nil }
            return VerificationMethod(id: mid, type: type, controller: m["controller"]?.stringValue ?? id, publicKeyMultibase: key)
        }
        let services: [Service] = (value["service"]?.arrayValue ?? []).compactMap { s in
            guard let sid = s["id"]?.stringValue, let type = s["type"]?.stringValue,
                  let endpoint = s["serviceEndpoint"]?.stringValue else { return nil }
            return Service(id: sid, type: type, serviceEndpoint: endpoint)
        }
        self.init(context: context, id: id, alsoKnownAs: strings(value["alsoKnownAs"]), verificationMethods: methods, services: services)
    }

    public init(json: some Collection<UInt8>) throws(PLCError) {
        let value: DataValue
        do { value = try DataModelJSON.decode(Array(json)) } catch { throw .malformed("DID document is not JSON: \(error)") }
        try self.init(dataValue: value)
    }
}
