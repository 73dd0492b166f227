import Foundation

/// One read of what Angel One holds for an account: the day's order book and trade book, settled holdings, the
/// day's positions, and funds, each within its rate limit. For the reconciliation view and the live portfolio.
public struct AngelOneAccountSnapshot: Sendable {
    public var orderBook: [BrokerOrderRow]
    public var tradeBook: [BrokerTradeRow]
    public var holdings: [BrokerHoldingRow]
    public var positions: [BrokerPositionRow]
    public var funds: BrokerFunds?

    /// Reads the books (and the funds when `includeFunds`), concurrently: each endpoint has its own limit.
    public static func read(session: AngelOneSession, client: SmartAPIClient, includeBooks: Bool = true,
                            includeFunds: Bool = false) async throws(SmartAPIFailure) -> AngelOneAccountSnapshot {
        let apiKey = session.apiKey
        async let holdings = Self.run { () throws(SmartAPIFailure) in
            try await session.perform(.holdings) { tokens throws(SmartAPIFailure) in
                try await client.holdings(apiKey: apiKey, jwt: tokens.jwtToken)
            }
        }
        async let positions = Self.run { () throws(SmartAPIFailure) in
            try await session.perform(.positions) { tokens throws(SmartAPIFailure) in
                try await client.positions(apiKey: apiKey, jwt: tokens.jwtToken)
            }
        }
        async let book = Self.run { () throws(SmartAPIFailure) -> [BrokerOrderRow] in
            guard includeBooks else { return [] }
            return try await session.perform(.orderBook) { tokens throws(SmartAPIFailure) in
                try await client.orderBook(apiKey: apiKey, jwt: tokens.jwtToken)
            }
        }
        async let trades = Self.run { () throws(SmartAPIFailure) -> [BrokerTradeRow] in
            guard includeBooks else { return [] }
            return try await session.perform(.tradeBook) { tokens throws(SmartAPIFailure) in
                try await client.tradeBook(apiKey: apiKey, jwt: tokens.jwtToken)
            }
        }
        async let funds = Self.run { () throws(SmartAPIFailure) -> BrokerFunds? in
            guard includeFunds else { return nil }
            return try await session.perform(.funds) { tokens throws(SmartAPIFailure) in
                try await client.funds(apiKey: apiKey, jwt: tokens.jwtToken)
            }
        }
        return AngelOneAccountSnapshot(orderBook: try await book.get(), tradeBook: try await trades.get(),
                                       holdings: try await holdings.get(), positions: try await positions.get(),
                                       funds: try await funds.get())
    }

    /// A typed-throwing call as a `Result`, so `async let` keeps the failure's type.
    private static func run<Value: Sendable>(_ call: () async throws(SmartAPIFailure) -> Value) async
        -> Result<Value, SmartAPIFailure> {
        do {
            return .success(try await call())
        } catch {
            return .failure(error)
        }
    }
}
