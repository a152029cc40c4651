import Protocol

public enum RepoVerifyError: Error, Equatable, Sendable, CustomStringConvertible {
    case car(CARError)
    case roots(Int)
    case missingCommit(CID)
    case commit(SignedCommit.DecodeError)
    case badSignature(did: String)
    case missingNode(CID, key: String?)
    case malformedNode(CID, String)
    case keyOrder(CID, String)
    case invalidKey(CID, String)
    case wrongHeight(CID, key: String, height: Int, layer: Int)
    case emptyNode(CID)
    case untrimmedRoot(CID)
    case tooDeep(CID)
    case missingRecord(key: String, CID)

    public var description: String {
        switch self {
        case .car(let e): e.description
        case .roots(let n): "CAR has \(n) roots; a repo CAR has exactly one (the commit)"
        case .missingCommit(let c): "commit block \(c.text) is not in the CAR"
        case .commit(let e): e.description
        case .badSignature(let did): "commit signature does not verify against the given key (did \(did))"
        case .missingNode(let c, let key): "dangling link: MST node \(c.text) is missing" + (key.map { " (near key \($0))" } ?? "")
        case .malformedNode(let c, let why): "MST node \(c.text) is malformed: \(why)"
        case .keyOrder(let c, let k): "MST node \(c.text): key \(k) is out of order"
        case .invalidKey(let c, let k): "MST node \(c.text): invalid key \(k.debugDescription)"
        case .wrongHeight(let c, let k, let h, let l): "MST node \(c.text): key \(k) has height \(h) but sits at layer \(l)"
        case .emptyNode(let c): "MST node \(c.text) is empty but is not the root"
        case .untrimmedRoot(let c): "MST root \(c.text) has no entries but a subtree (not canonical)"
        case .tooDeep(let c): "MST node \(c.text) has a subtree below layer 0"
        case .missingRecord(let k, let c): "record \(k) (\(c.text)) is not in the CAR"
        }
    }
}

/// What a verified repo holds.
public struct RepoSummary: Sendable {
    public var commitCID: CID
    public var commit: SignedCommit
    public var records: [(key: String, cid: CID)]
    /// Every MST node reached, root first.
    public var nodes: [CID]

    public var recordsPerCollection: [(collection: String, count: Int)] {
        var counts: [String: Int] = [:]
        for r in records { counts[String(r.key.split(separator: "/", maxSplits: 1)[0]), default: 0] += 1 }
        return counts.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
    }
}

/// Checks a full repo: commit signature, every MST node well formed, canonical, in key order and at
/// the right height, no dangling links, every record present. Stops at the first problem and names it.
public enum RepoVerifier {
    public static func verify(car: [UInt8], signature: ((_ sig: [UInt8], _ message: [UInt8]) -> Bool)?) throws(RepoVerifyError) -> RepoSummary {
        let loaded: (roots: [CID], blocks: [CID: [UInt8]])
        do { loaded = try CARReader.load(car) } catch { throw .car(error) }
        guard loaded.roots.count == 1 else { throw .roots(loaded.roots.count) }
        return try verify(commit: loaded.roots[0], blocks: loaded.blocks, signature: signature)
    }

    public static func verify(commit commitCID: CID, blocks: [CID: [UInt8]],
                              signature: ((_ sig: [UInt8], _ message: [UInt8]) -> Bool)?) throws(RepoVerifyError) -> RepoSummary {
        guard let commitBytes = blocks[commitCID] else { throw .missingCommit(commitCID) }
        let commit: SignedCommit
        do { commit = try SignedCommit.decode(commitBytes) } catch { throw .commit(error) }
        if let signature, !commit.verify(signature) { throw .badSignature(did: commit.did) }
        var records: [(key: String, cid: CID)] = []
        var last: [UInt8]? = nil
        var nodes: [CID] = []
        try walk(commit.data, layer: nil, isRoot: true, blocks: blocks, last: &last, nodes: &nodes) { key, value throws(RepoVerifyError) in
            let k = String(decoding: key, as: UTF8.self)
            guard blocks[value] != nil else { throw .missingRecord(key: k, value) }
            records.append((k, value))
        }
        return RepoSummary(commitCID: commitCID, commit: commit, records: records, nodes: nodes)
    }

    private static func walk(_ cid: CID, layer expected: Int?, isRoot: Bool, blocks: [CID: [UInt8]], last: inout [UInt8]?,
                             nodes: inout [CID], _ leaf: ([UInt8], CID) throws(RepoVerifyError) -> Void) throws(RepoVerifyError) {
        guard let bytes = blocks[cid] else { throw .missingNode(cid, key: last.map { String(decoding: $0, as: UTF8.self) }) }
        nodes.append(cid)
        let node: MSTNodeData
        let keys: [[UInt8]]
        do { node = try MSTNodeData.decode(bytes); keys = try node.keys() } catch { throw .malformedNode(cid, error.description) }
        if node.entries.isEmpty {
            if node.left == nil && !isRoot { throw .emptyNode(cid) }
            if node.left != nil && isRoot { throw .untrimmedRoot(cid) }
        }
        var layer = expected
        var previous: [UInt8] = []
        for (i, key) in keys.enumerated() {
            let text = String(decoding: key, as: UTF8.self)
            do { try MSTKey.validate(key) } catch { throw .invalidKey(cid, text) }
            if node.entries[i].prefixLength != MSTKey.commonPrefixLength(previous, key) {
                throw .malformedNode(cid, "entry \(i) prefix length is not the shared prefix")
            }
            previous = key
            let h = MSTKey.height(key)
            if layer == nil { layer = h }
            if h != layer { throw .wrongHeight(cid, key: text, height: h, layer: layer!) }
        }
        // Only a root without entries gets here with no layer; it has no subtree (checked above).
        let here = layer ?? 0
        func child(_ c: CID?, _ last: inout [UInt8]?, _ nodes: inout [CID]) throws(RepoVerifyError) {
            guard let c else { return }
            guard here > 0 else { throw .tooDeep(cid) }
            try walk(c, layer: here - 1, isRoot: false, blocks: blocks, last: &last, nodes: &nodes, leaf)
        }
        try child(node.left, &last, &nodes)
        for (i, key) in keys.enumerated() {
            if let l = last, !l.lexicographicallyPrecedes(key) { throw .keyOrder(cid, String(decoding: key, as: UTF8.self)) }
            last = key
            try leaf(key, node.entries[i].value)
            try child(node.entries[i].right, &last, &nodes)
        }
    }
}

extension CID {
    /// The form error messages and the CLI print (multibase base32).
    public var text: String { string }
}
