/// Either a DID or a handle, as accepted wherever atproto names an account.
public enum ATIdentifier: SyntaxString {
    case did(DID)
    case handle(Handle)

    public init(_ string: String) throws(SyntaxError) {
        // The "did:" prefix decides: a failing DID is never retried as a handle.
        if string.hasPrefix("did:") {
            do { self = .did(try DID(string)) } catch { throw SyntaxError(.atIdentifier, string, error.reason) }
        } else {
            do { self = .handle(try Handle(string)) } catch { throw SyntaxError(.atIdentifier, string, error.reason) }
        }
    }

    public var string: String {
        switch self {
        case .did(let did): return did.string
        case .handle(let handle): return handle.string
        }
    }
}
