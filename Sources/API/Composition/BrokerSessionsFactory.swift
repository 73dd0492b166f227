import AngelOne
import AsyncHTTPClient
import Fluent
import Foundation
import Persistence

/// Builds the registry of users' own broker sessions and the vault that seals their credentials, and schedules
/// the sessions stored before a restart to log in again once the server is up.
enum BrokerSessionsFactory {
    static func make(config: AppConfig, database: any Database, http: HTTPClient, jobs: BackgroundJobs) async throws
        -> (sessions: BrokerSessions, vault: CredentialVault?) {
        let vault = try config.masterKey.map { try CredentialVault(masterKeyBase64: $0) }
        let client = SmartAPIClient(http: http, configuration: .init(baseURL: config.angelOne.apiURL))
        let sessions = BrokerSessions(client: client, limits: config.angelOne.rateLimits,
                                      dailyLoginMinute: config.angelOne.dailyLoginMinute)
        let stored = try await BrokerAccountStore(database: database).all()
        jobs.add {
            for account in stored {
                let opened = Result<AngelOneCredentials, any Error> {
                    guard let vault else { throw NoMasterKey() }
                    return try BrokerCredentials.opened(account.sealedCredentials, by: vault, userID: account.userID)
                        .sessionCredentials()
                }
                sessions.restore(userID: account.userID, clientCode: account.clientCode, credentials: opened,
                                 now: Date())
            }
        }
        return (sessions, vault)
    }

    struct NoMasterKey: Error, CustomStringConvertible {
        var description: String { "this server has no MASTER_KEY, so the stored credentials cannot be opened" }
    }
}
