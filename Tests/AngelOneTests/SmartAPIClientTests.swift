import AngelOne
import AsyncHTTPClient
import FakeVenues
import Foundation
import Testing

/// The REST client against the fake SmartAPI over loopback: login with a TOTP the fake verifies, the failures
/// SmartAPI answers with, token refresh, logout, and no answer at all.
@Suite("SmartAPI client: login, refresh, logout and failures against the fake over HTTP")
struct SmartAPIClientTests {
    static let account = FakeSmartAPI.Account(apiKey: "key-1", clientCode: "A123", pin: "4321",
                                              totpSecret: "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ")

    /// Runs `body` with a fresh fake and a client pointed at it.
    func withFake(loginInterval: TimeInterval = 1, _ body: (FakeSmartAPI, SmartAPIClient) async throws -> Void)
        async throws {
        let fake = try await FakeSmartAPI.start(accounts: [Self.account], loginInterval: loginInterval)
        let client = SmartAPIClient(http: .shared, configuration: .init(baseURL: fake.baseURL, timeout: .seconds(5)))
        do {
            try await body(fake, client)
        } catch {
            await fake.shutdown()
            throw error
        }
        await fake.shutdown()
    }

    func code(_ secret: String = account.totpSecret) throws -> String {
        try TOTP(base32Secret: secret).code(at: Date())
    }

    /// The SmartAPI failure `work` ends with, nil when it succeeds (or fails some other way, which the test sees).
    func failure(_ work: () async throws -> Void) async -> SmartAPIFailure? {
        do {
            try await work()
            return nil
        } catch {
            return error as? SmartAPIFailure
        }
    }

    @Test("a login with the right PIN and TOTP opens a session the profile answers to")
    func login() async throws {
        try await withFake { _, client in
            let tokens = try await client.login(apiKey: "key-1", clientCode: "A123", pin: "4321", totp: try code())
            #expect(!tokens.jwtToken.isEmpty && !tokens.refreshToken.isEmpty && !tokens.feedToken.isEmpty)
            #expect("\(tokens)" == "SessionTokens(hidden)")
            let profile = try await client.profile(apiKey: "key-1", jwt: tokens.jwtToken)
            #expect(profile.clientCode == "A123")
        }
    }

    @Test("a wrong TOTP is AB1050, a wrong PIN AB1007 (in the string dialect), and neither leaks what was sent")
    func refusedLogins() async throws {
        try await withFake { _, client in
            // A code that is neither this window's nor the last one's (the fake accepts both).
            let totp = try TOTP(base32Secret: Self.account.totpSecret)
            let valid = [Date(), Date().addingTimeInterval(-30)].map { totp.code(at: $0) }
            let wrong = (0..<1_000_000).lazy.map { String(format: "%06d", $0) }.first { !valid.contains($0) }!
            let wrongTOTP = await failure { _ = try await client.login(apiKey: "key-1", clientCode: "A123", pin: "4321",
                                                                         totp: wrong) }
            #expect(wrongTOTP?.code == "AB1050")
            try await Task.sleep(for: .milliseconds(1_100)) // one login a second
            let wrongPIN = await failure { _ = try await client.login(apiKey: "key-1", clientCode: "A123", pin: "9999",
                                                                        totp: try code()) }
            #expect(wrongPIN == .rejected(code: "AB1007", message: "Login Id or password is invalid"))
            #expect(!"\(wrongPIN!)".contains("9999"))
        }
    }

    @Test("a second login too soon meets the plain-text 403 of the rate limit")
    func rateLimited() async throws {
        // The window is widened from SmartAPI's second so that a loaded machine cannot space the two logins out.
        try await withFake(loginInterval: 30) { fake, client in
            _ = try await client.login(apiKey: "key-1", clientCode: "A123", pin: "4321", totp: try code())
            let second = await failure { _ = try await client.login(apiKey: "key-1", clientCode: "A123", pin: "4321",
                                                                      totp: try code()) }
            #expect(second == .rateLimited(message: "Access denied because of exceeding access rate"))
            #expect(fake.loginAttempts == 2)
        }
    }

    @Test("expired and logged-out sessions ask for a new login; a refresh replaces the tokens")
    func sessionLifecycle() async throws {
        try await withFake { fake, client in
            let first = try await client.login(apiKey: "key-1", clientCode: "A123", pin: "4321", totp: try code())
            let refreshed = try await client.generateTokens(apiKey: "key-1", refreshToken: first.refreshToken,
                                                            jwt: first.jwtToken)
            #expect(refreshed.jwtToken != first.jwtToken)
            #expect(try await client.profile(apiKey: "key-1", jwt: refreshed.jwtToken).clientCode == "A123")
            let old = await failure { _ = try await client.profile(apiKey: "key-1", jwt: first.jwtToken) }
            #expect(old == .reauthenticate(code: "AG8001", message: "Invalid Token"))
            let badRefresh = await failure { _ = try await client.generateTokens(
                apiKey: "key-1", refreshToken: "nonsense", jwt: refreshed.jwtToken) }
            #expect(badRefresh?.code == "AB8050")
            if case .reauthenticate? = badRefresh {} else { Issue.record("AB8050 should ask for a new login") }

            fake.expireSessions()
            let expired = await failure { _ = try await client.profile(apiKey: "key-1", jwt: refreshed.jwtToken) }
            #expect(expired?.code == "AG8001")

            try await Task.sleep(for: .milliseconds(1_100))
            let again = try await client.login(apiKey: "key-1", clientCode: "A123", pin: "4321", totp: try code())
            try await client.logout(apiKey: "key-1", clientCode: "A123", jwt: again.jwtToken)
            let afterLogout = await failure { _ = try await client.profile(apiKey: "key-1", jwt: again.jwtToken) }
            #expect(afterLogout?.code == "AG8001")
        }
    }

    @Test("no server at all is unreachable, naming the route and not the PIN")
    func unreachable() async throws {
        let fake = try await FakeSmartAPI.start(accounts: [])
        let url = fake.baseURL
        await fake.shutdown()
        let client = SmartAPIClient(http: .shared, configuration: .init(baseURL: url, timeout: .seconds(2)))
        let outcome = await failure { _ = try await client.login(apiKey: "key-1", clientCode: "A123", pin: "4321",
                                                                   totp: "123456") }
        guard case .unreachable(let detail)? = outcome else {
            Issue.record("expected unreachable, got \(String(describing: outcome))")
            return
        }
        #expect(detail.contains("loginByPassword") && !detail.contains("4321") && !detail.contains("123456"))
    }
}
