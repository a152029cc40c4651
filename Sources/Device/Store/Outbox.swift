import Foundation
import Protocol

/// Writes made on the desktop that wait for the relay: one file per write set, named by a counter so
/// order survives restarts; written to a temporary name and renamed, so a crash leaves whole files.
public struct Outbox: Sendable {
    public let directory: URL

    public init(directory: URL) throws {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        self.directory = directory
    }

    public struct Entry: Sendable {
        public let name: String
        public let writes: [ProxiedWrite]
    }

    private func names() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasSuffix(".cbor") }.sorted()
    }

    public func enqueue(_ writes: [ProxiedWrite]) throws {
        let next = (try names().last.flatMap { Int($0.prefix(12)) } ?? 0) + 1
        let name = String(format: "%012d.cbor", next)
        let value = DataValue.array(writes.map(Self.encode))
        let tmp = directory.appendingPathComponent(name + ".tmp")
        try Data(DAGCBOR.encode(value)).write(to: tmp, options: .atomic)
        try FileManager.default.moveItem(at: tmp, to: directory.appendingPathComponent(name))
    }

    public func entries() throws -> [Entry] {
        try names().map { name in
            let bytes = try Data(contentsOf: directory.appendingPathComponent(name))
            guard case .array(let items) = try DAGCBOR.decode(Array(bytes)) else { return Entry(name: name, writes: []) }
            return Entry(name: name, writes: items.compactMap(Self.decode))
        }
    }

    public func remove(_ entry: Entry) throws {
        try FileManager.default.removeItem(at: directory.appendingPathComponent(entry.name))
    }

    public var count: Int { (try? names().count) ?? 0 }

    static func encode(_ w: ProxiedWrite) -> DataValue {
        var m: [String: DataValue] = ["action": .string(w.action.rawValue), "collection": .string(w.collection)]
        if let rkey = w.rkey { m["rkey"] = .string(rkey) }
        if let value = w.value { m["value"] = .map(value) }
        return .map(m)
    }

    static func decode(_ v: DataValue) -> ProxiedWrite? {
        guard case .map(let m) = v, let a = m["action"]?.stringValue, let action = ProxiedWrite.Action(rawValue: a),
              let collection = m["collection"]?.stringValue else { return nil }
        return ProxiedWrite(action: action, collection: collection, rkey: m["rkey"]?.stringValue, value: m["value"]?.mapValue)
    }
}
