import Foundation
import Keys

/// Share 3, the user's own: SLIP-0039 words for paper, or a recovery file (JSON naming the DID).
/// Reading accepts either form, so a paper backup typed into a text file works too.
public enum ShareThree {
    public static let fileFormat = "dpds-recovery-share/1"

    public static func recoveryFile(did: String, share: SLIP39Share) -> Data {
        let object: [String: Any] = ["format": fileFormat, "did": did,
                                     "share": String(decoding: share.mnemonic.bytes, as: UTF8.self)]
        return (try? JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys])) ?? Data()
    }

    public static func paper(share: SLIP39Share) -> Data {
        Data((String(decoding: share.mnemonic.bytes, as: UTF8.self) + "\n").utf8)
    }

    /// Words from a recovery file, a words file, or standard input's contents.
    public static func read(_ contents: Data) throws(WalletError) -> SecretBytes {
        if let object = (try? JSONSerialization.jsonObject(with: contents)) as? [String: Any] {
            guard object["format"] as? String == fileFormat, let words = object["share"] as? String else {
                throw .shares("not a dpds recovery file")
            }
            return SecretBytes(Array(words.utf8))
        }
        let text = String(decoding: contents, as: UTF8.self)
        let words = text.split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
        guard !words.isEmpty else { throw .shares("the paper share is empty") }
        return SecretBytes(Array(words.utf8))
    }

    /// Written 0600 in one go; an existing file is not overwritten (it may be the only copy of a share).
    public static func write(_ data: Data, to path: String) throws(WalletError) {
        guard !FileManager.default.fileExists(atPath: path) else { throw .usage("\(path) exists; refusing to overwrite a share") }
        guard FileManager.default.createFile(atPath: path, contents: data, attributes: [.posixPermissions: 0o600]) else {
            throw .usage("cannot write \(path)")
        }
    }

    /// Puts share 3 where the user chose: a paper file, a recovery file, or (no path) words handed
    /// back to print once. Returns its record for the wallet state and the words, when printed.
    static func deliver(_ share: SLIP39Share, to output: WalletCreate.ShareThreeOutput, did: String, now: String,
                        printedLocation: String) throws(WalletError) -> (record: WalletState.ShareRecord, paperWords: SecretBytes?) {
        switch output {
        case .paper(let path?):
            try write(paper(share: share), to: path)
            return (.init(number: 3, place: "paper", location: path, createdAt: now, lastVerified: now), nil)
        case .paper(nil):
            return (.init(number: 3, place: "paper", location: printedLocation, createdAt: now, lastVerified: now), share.mnemonic)
        case .file(let path):
            try write(recoveryFile(did: did, share: share), to: path)
            return (.init(number: 3, place: "file", location: path, createdAt: now, lastVerified: now), nil)
        }
    }
}
