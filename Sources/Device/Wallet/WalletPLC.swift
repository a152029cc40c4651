import Foundation
import Protocol

/// The PLC directory as the wallet uses it: read the latest op, submit a signed one.
struct WalletPLC: Sendable {
    let base: URL
    private let http = WalletHTTP()

    func last(did: String) async throws(WalletError) -> (PLCOperation, CID) {
        let response = try await http.send("GET", base.appendingPathComponent("\(did)/log/last"))
        guard response.status == 200 else { throw .plc("GET \(did)/log/last answered \(response.status)") }
        let signed: PLCSignedOperation
        do { signed = try PLCSignedOperation(json: Array(response.body)) } catch { throw .plc("latest op does not parse: \(error)") }
        guard let state = signed.op.state else { throw .plc("\(did) is tombstoned") }
        return (state, signed.cid)
    }

    /// Signs `op` and submits it; returns its CID (the next op's `prev`).
    func submit(did: String, _ op: PLCOperation, signedBy key: K256SigningKey) async throws(WalletError) -> CID {
        let signed: PLCSignedOperation
        do { signed = try PLCUnsignedOp.operation(op).signed(by: key) } catch { throw .plc("cannot sign: \(error)") }
        let response = try await http.send("POST", base.appendingPathComponent(did), body: Data(signed.json.utf8))
        guard response.status == 200 else {
            throw .plc("op refused (\(response.status)): \(String(decoding: response.body.prefix(300), as: UTF8.self))")
        }
        return signed.cid
    }
}
