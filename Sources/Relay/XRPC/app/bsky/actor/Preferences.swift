import Protocol

extension XRPCMethods {
    static let getPreferences = XRPCMethod("app.bsky.actor.getPreferences", .query) { request, env in
        let auth = try env.auth.access(request)
        let stored = try await env.preferences.get(did: auth.did)
        let preferences = try stored.map { try DataModelJSON.decode($0) } ?? .array([])
        return RepoXRPC.json(["preferences": preferences])
    }

    /// Replaces the whole list; every item must be an `app.bsky.*` preference with its `$type`.
    static let putPreferences = XRPCMethod("app.bsky.actor.putPreferences", .procedure) { request, env in
        let auth = try env.auth.access(request)
        let input = try RepoXRPC.body(request)
        guard let items = input["preferences"]?.arrayValue else {
            throw XRPCError.invalidRequest("Input must have the property \"preferences\"")
        }
        for item in items {
            guard let type = item["$type"]?.stringValue else { throw XRPCError.invalidRequest("Preference is missing a $type") }
            guard type.hasPrefix("app.bsky.") else {
                throw XRPCError.invalidRequest("Some preferences are not in the app.bsky namespace")
            }
        }
        try await env.preferences.put(did: auth.did, json: DataModelJSON.encode(.array(items)))
        return .empty
    }
}
