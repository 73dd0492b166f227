import Fluent
import Foundation

/// A listed instrument in the catalogue (seeded with the NIFTY 50 on first start).
public final class StockModel: Model, @unchecked Sendable {
    public static let schema = "stocks"

    @ID(key: .id) public var id: UUID?
    @Field(key: "symbol") public var symbol: String
    @Field(key: "name") public var name: String
    @Field(key: "sector") public var sector: String
    @Field(key: "exchange") public var exchange: String
    @Field(key: "reference_price_paise") public var referencePricePaise: Int64

    public init() {}

    public init(symbol: String, name: String, sector: String, exchange: String = "NSE", referencePricePaise: Int64) {
        self.symbol = symbol
        self.name = name
        self.sector = sector
        self.exchange = exchange
        self.referencePricePaise = referencePricePaise
    }
}
