import AngelOne
import AsyncHTTPClient
import Brokers
import Foundation
import TradingCore

/// Builds the order-execution port from `BROKER`: the paper broker, or Angel One through each user's own session
/// (only with `LIVE_TRADING=1`, which `AppConfig` enforces).
enum BrokerFactory {
    static func make(config: AppConfig, sessions: BrokerSessions, instruments: InstrumentDirectory?, http: HTTPClient,
                     jobs: BackgroundJobs) throws -> any Broker {
        switch config.broker {
        case .paper:
            return PaperBroker()
        case .angelone:
            guard let instruments else {
                throw CompositionError(description: "BROKER=angelone needs Angel One's instrument master")
            }
            let broker = AngelOneBroker(
                client: SmartAPIClient(http: http, configuration: .init(baseURL: config.angelOne.apiURL)),
                orderStream: .init(url: config.angelOne.orderStreamURL),
                sessions: { sessions.session(userID: $0.rawValue) },
                instruments: { instruments.instrument(for: $0) })
            jobs.onStop { broker.stop() }
            return broker
        }
    }
}
