import Foundation

/// This process among the instances on one database: a fresh id per start, a name for people, and when it started
/// (older instances rank first when the symbols are shared out).
struct InstanceIdentity: Sendable {
    let id: UUID
    let name: String
    let startedAt: Date

    init(port: Int) {
        id = UUID()
        name = "\(ProcessInfo.processInfo.hostName):\(port) pid \(ProcessInfo.processInfo.processIdentifier)"
        startedAt = Date()
    }
}
