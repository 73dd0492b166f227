import Foundation
import Persistence
import Testing

/// Test-only helpers shared by the storage-touching test targets.
///
/// The databases every storage-touching test runs on: SQLite always, PostgreSQL when `TEST_POSTGRES_URL` is set
/// (`scripts/test.sh` starts one). Each test gets its own SQLite file or PostgreSQL schema, so tests run in parallel.
public enum TestDatabase: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case sqlite
    case postgres

    public static var postgresURL: String? {
        guard let url = ProcessInfo.processInfo.environment["TEST_POSTGRES_URL"], !url.isEmpty else { return nil }
        return url
    }

    /// SQLite, plus PostgreSQL when configured. With `TEST_DATABASE=postgres` only PostgreSQL (the CI's second pass).
    public static var enabled: [TestDatabase] {
        let only = ProcessInfo.processInfo.environment["TEST_DATABASE"]
        if only == "postgres" { return postgresURL == nil ? [] : [.postgres] }
        return postgresURL == nil ? [.sqlite] : [.sqlite, .postgres]
    }

    /// A fresh, isolated target.
    public func makeTarget(directory: String) -> DatabaseSetup.Target {
        switch self {
        case .sqlite:
            return .sqliteFile(path: directory + "/test.sqlite")
        case .postgres:
            let schema = "t_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(20).lowercased()
            return .postgresSchema(url: TestDatabase.postgresURL!, schema: String(schema))
        }
    }

    public var testDescription: String { rawValue }
}

