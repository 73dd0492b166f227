import Foundation
import Persistence

/// The databases every storage-touching test runs on: SQLite always, PostgreSQL when `TEST_POSTGRES_URL` is set
/// (`scripts/test.sh` starts one). Each test gets its own SQLite file or PostgreSQL schema, so tests run in parallel.
enum TestDatabase: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case sqlite
    case postgres

    static var postgresURL: String? {
        guard let url = ProcessInfo.processInfo.environment["TEST_POSTGRES_URL"], !url.isEmpty else { return nil }
        return url
    }

    /// SQLite, plus PostgreSQL when configured. With `TEST_DATABASE=postgres` only PostgreSQL (the CI's second pass).
    static var enabled: [TestDatabase] {
        let only = ProcessInfo.processInfo.environment["TEST_DATABASE"]
        if only == "postgres" { return postgresURL == nil ? [] : [.postgres] }
        return postgresURL == nil ? [.sqlite] : [.sqlite, .postgres]
    }

    /// A fresh, isolated target.
    func makeTarget(directory: String) -> DatabaseSetup.Target {
        switch self {
        case .sqlite:
            return .sqliteFile(path: directory + "/test.sqlite")
        case .postgres:
            let schema = "t_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(20).lowercased()
            return .postgresSchema(url: TestDatabase.postgresURL!, schema: String(schema))
        }
    }

    var testDescription: String { rawValue }
}

import Testing
