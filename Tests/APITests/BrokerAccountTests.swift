@testable import API
import AngelOne
import FakeVenues
import Fluent
import Foundation
import Persistence
import Testing
import TestSupport

/// `PUT/GET/DELETE /api/broker` and `POST /api/broker/reconnect` against the fake SmartAPI: credentials sealed at
/// rest, a login at once, the session's state, and nothing secret ever answered, logged or stored in plaintext.
@Suite("Broker accounts: connect, state, reconnect, disconnect", .serialized)
struct BrokerAccountTests {
    static let account = FakeSmartAPI.Account(apiKey: "user-key-7", clientCode: "U700", pin: "2468",
                                              totpSecret: "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")
    static let masterKey = Data((0..<32).map { UInt8(255 - $0) }).base64EncodedString()
    static var body: [String: Any] {
        ["api_key": account.apiKey, "client_code": account.clientCode, "pin": account.pin,
         "totp_secret": account.totpSecret]
    }

    func withBrokerApp(_ database: TestDatabase = .sqlite, masterKey: String? = masterKey, _ body: (TestApp, FakeSmartAPI) async throws -> Void)
        async throws {
        let api = try await FakeSmartAPI.start(accounts: [Self.account], loginInterval: nil)
        do {
            try await withTestApp(database, configure: { config in
                config.masterKey = masterKey
                config.angelOne.apiURL = api.baseURL
            }) { app in try await body(app, api) }
        } catch {
            await api.shutdown()
            throw error
        }
        await api.shutdown()
    }

    @Test("connecting logs in at once and answers the session's state; GET shows the same; no secret is answered")
    func connect() async throws {
        try await withBrokerApp { app, api in
            let user = try await app.register()
            let reply = try await app.send(.PUT, "/api/broker", token: user.token, json: Self.body)
            #expect(reply.status == .ok, "\(reply.text)")
            #expect(reply["broker"] as? String == "angelone")
            #expect(reply["client_code"] as? String == "U700")
            #expect(reply["state"] as? String == "connected")
            #expect(reply["session_expires_at"] is String)
            #expect(reply.object.keys.contains("last_error"))
            #expect(api.loginAttempts == 1)
            for secret in [Self.account.pin, Self.account.apiKey, Self.account.totpSecret, "jwt-", "refresh-", "feed-"] {
                #expect(!reply.text.contains(secret), "the answer contains \(secret)")
            }
            let shown = try await app.send(.GET, "/api/broker", token: user.token)
            #expect(shown.status == .ok)
            #expect(shown["state"] as? String == "connected")
            #expect(shown["client_code"] as? String == "U700")
        }
    }

    @Test("the credentials are sealed at rest, bound to their owner, and the audit row names only the client code",
          arguments: TestDatabase.enabled)
    func sealedAtRest(database: TestDatabase) async throws {
        try await withBrokerApp(database) { app, _ in
            let user = try await app.register()
            try await app.send(.PUT, "/api/broker", token: user.token, json: Self.body)
            let userID = try #require(UUID(uuidString: user.id))
            let stored = try #require(try await BrokerAccountStore(database: app.app.db).find(userID: userID))
            for secret in [Self.account.pin, Self.account.apiKey, Self.account.totpSecret] {
                #expect(!stored.sealedCredentials.contains(secret))
            }
            let vault = try CredentialVault(masterKeyBase64: Self.masterKey)
            let opened = try BrokerCredentials.opened(stored.sealedCredentials, by: vault, userID: userID)
            #expect(opened.pin == Self.account.pin && opened.totpSecret == Self.account.totpSecret)
            // Moved onto another user's row, the ciphertext does not open.
            #expect(throws: (any Error).self) {
                try BrokerCredentials.opened(stored.sealedCredentials, by: vault, userID: UUID())
            }
            let audit = try await AuditStore(database: app.app.db).recent(userID: userID)
            let row = try #require(audit.first { $0.action == "broker.connect" })
            #expect(row.detail == "client_code=U700")
        }
    }

    @Test("a login the broker refuses is stored and answered as reconnect_needed with the broker's reason")
    func refusedLogin() async throws {
        try await withBrokerApp { app, _ in
            let user = try await app.register()
            var body = Self.body
            body["pin"] = "1357"
            let reply = try await app.send(.PUT, "/api/broker", token: user.token, json: body)
            #expect(reply.status == .ok)
            #expect(reply["state"] as? String == "reconnect_needed")
            #expect((reply["last_error"] as? String)?.contains("AB1007") == true, "\(reply.text)")
            #expect(!reply.text.contains("1357"))
            #expect(try await app.send(.GET, "/api/broker", token: user.token)["state"] as? String == "reconnect_needed")
        }
    }

    @Test("bad credentials are refused field by field with 422, and nothing is stored", arguments: [
        ("api_key", nil, "api_key"), ("api_key", "has space", "api_key"),
        ("client_code", nil, "client_code"), ("client_code", "U-700", "client_code"),
        ("pin", nil, "pin"), ("pin", "12a4", "pin"), ("pin", "12", "pin"),
        ("totp_secret", nil, "totp_secret"), ("totp_secret", "not base32 !", "totp_secret"),
        ("totp_secret", "AAAA", "totp_secret"),
    ] as [(String, String?, String)])
    func validation(field: String, value: String?, named: String) async throws {
        try await withBrokerApp { app, api in
            let user = try await app.register()
            var body = Self.body
            body[field] = value
            let reply = try await app.send(.PUT, "/api/broker", token: user.token, json: body)
            #expect(reply.status == .unprocessableEntity, "\(reply.text)")
            #expect(reply.field == named)
            if let value { #expect(!reply.text.contains(value) || field != "totp_secret", "the secret is echoed") }
            #expect(api.loginAttempts == 0)
            #expect(try await app.send(.GET, "/api/broker", token: user.token).status == .notFound)
        }
    }

    @Test("without MASTER_KEY the server refuses to store credentials, saying why")
    func noMasterKey() async throws {
        try await withBrokerApp(masterKey: nil) { app, api in
            let user = try await app.register()
            let reply = try await app.send(.PUT, "/api/broker", token: user.token, json: Self.body)
            #expect(reply.status == .unprocessableEntity)
            #expect(reply.reason?.contains("MASTER_KEY") == true)
            #expect(api.loginAttempts == 0)
        }
    }

    @Test("disconnecting logs out at the broker and forgets the account; a second time answers 404",
          arguments: TestDatabase.enabled)
    func disconnect(database: TestDatabase) async throws {
        try await withBrokerApp(database) { app, api in
            let user = try await app.register()
            try await app.send(.PUT, "/api/broker", token: user.token, json: Self.body)
            let reply = try await app.send(.DELETE, "/api/broker", token: user.token)
            #expect(reply.status == .noContent)
            #expect(api.calls("/rest/secure/angelbroking/user/v1/logout") == 1)
            #expect(try await app.send(.GET, "/api/broker", token: user.token).status == .notFound)
            #expect(try await app.send(.DELETE, "/api/broker", token: user.token).status == .notFound)
            let userID = try #require(UUID(uuidString: user.id))
            #expect(try await BrokerAccountStore(database: app.app.db).find(userID: userID) == nil)
        }
    }

    @Test("another user sees no broker account and cannot disconnect this one")
    func isolation() async throws {
        try await withBrokerApp { app, _ in
            let owner = try await app.register()
            let other = try await app.register()
            try await app.send(.PUT, "/api/broker", token: owner.token, json: Self.body)
            #expect(try await app.send(.GET, "/api/broker", token: other.token).status == .notFound)
            #expect(try await app.send(.DELETE, "/api/broker", token: other.token).status == .notFound)
            #expect(try await app.send(.POST, "/api/broker/reconnect", token: other.token).status == .notFound)
            #expect(try await app.send(.GET, "/api/broker", token: owner.token)["state"] as? String == "connected")
        }
    }

    @Test("reconnecting logs in again with the stored credentials; connecting again replaces the stored account",
          arguments: TestDatabase.enabled)
    func reconnect(database: TestDatabase) async throws {
        try await withBrokerApp(database) { app, api in
            let user = try await app.register()
            try await app.send(.PUT, "/api/broker", token: user.token, json: Self.body)
            try await app.send(.PUT, "/api/broker", token: user.token, json: Self.body)
            let userID = try #require(UUID(uuidString: user.id))
            #expect(try await BrokerAccountStore(database: app.app.db).all().filter { $0.userID == userID }.count == 1)
            let logins = api.loginAttempts
            api.expireSessions()
            let reply = try await app.send(.POST, "/api/broker/reconnect", token: user.token)
            #expect(reply.status == .ok)
            #expect(reply["state"] as? String == "connected")
            #expect(api.loginAttempts == logins + 1)
        }
    }

    @Test("after a restart the stored accounts log in again; under another MASTER_KEY they ask to be reconnected")
    func restore() async throws {
        try await withBrokerApp { app, api in
            let user = try await app.register()
            try await app.send(.PUT, "/api/broker", token: user.token, json: Self.body)
            let userID = try #require(UUID(uuidString: user.id))

            // A second server's sessions, built from the same database, as a restart builds them.
            var config = app.services.config
            let jobs = BackgroundJobs()
            let restarted = try await BrokerSessionsFactory.make(config: config, database: app.app.db,
                                                                 http: .shared, jobs: jobs)
            jobs.start()
            #expect(await eventually { await restarted.sessions.snapshot(userID: userID)?.status.state == .connected })
            #expect(api.loginAttempts == 2)
            await jobs.stop()
            restarted.sessions.stop()

            config.masterKey = Data(repeating: 7, count: 32).base64EncodedString()
            let otherKey = BackgroundJobs()
            let rekeyed = try await BrokerSessionsFactory.make(config: config, database: app.app.db, http: .shared,
                                                               jobs: otherKey)
            otherKey.start()
            #expect(await eventually { await rekeyed.sessions.snapshot(userID: userID) != nil })
            let snapshot = try #require(await rekeyed.sessions.snapshot(userID: userID))
            #expect(snapshot.status.state == .reconnectNeeded)
            #expect(snapshot.status.lastError?.contains("MASTER_KEY") == true)
            #expect(api.loginAttempts == 2, "credentials that do not open are not tried")
            await otherKey.stop()
        }
    }
}
