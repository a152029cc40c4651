import Hummingbird

enum WellKnown {
    /// `/.well-known/atproto-did` for handles under our domains: the Host names the handle.
    static func atprotoDID(request: Request, environment: RelayEnvironment) async throws -> Response {
        let host = (request.head.authority ?? "").split(separator: ":").first.map(String.init) ?? ""
        var headers = HTTPFields()
        headers[.contentType] = "text/plain; charset=utf-8"
        guard let account = try await environment.accounts.account(handle: host.lowercased()) else {
            return Response(status: .notFound, headers: headers, body: .init(byteBuffer: ByteBuffer(string: "User not found")))
        }
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: account.did)))
    }
}
