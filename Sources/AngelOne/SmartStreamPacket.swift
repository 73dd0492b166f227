/// One SmartStream binary tick frame, decoded field for field.
///
/// Prices stay in the exchange's integer units, exactly as sent: paise for every segment except currency
/// derivatives (exchange type 13, `cde_fo`), which count in 1/10,000,000 of a rupee (`priceDivisor`). Timestamps stay
/// in the units the frame uses (milliseconds, except the last-traded time of a SNAP_QUOTE, in seconds).
public struct SmartStreamPacket: Equatable, Sendable {
    /// The fields every QUOTE and SNAP_QUOTE frame adds to an LTP frame.
    public struct Quote: Equatable, Sendable {
        public var lastTradedQuantity: Int64
        public var averageTradedPrice: Int64
        public var volume: Int64
        public var totalBuyQuantity: Double
        public var totalSellQuantity: Double
        public var open: Int64
        public var high: Int64
        public var low: Int64
        /// The previous session's close.
        public var close: Int64

        public init(lastTradedQuantity: Int64, averageTradedPrice: Int64, volume: Int64, totalBuyQuantity: Double,
                    totalSellQuantity: Double, open: Int64, high: Int64, low: Int64, close: Int64) {
            self.lastTradedQuantity = lastTradedQuantity
            self.averageTradedPrice = averageTradedPrice
            self.volume = volume
            self.totalBuyQuantity = totalBuyQuantity
            self.totalSellQuantity = totalSellQuantity
            self.open = open
            self.high = high
            self.low = low
            self.close = close
        }
    }

    /// One of the best five levels of a SNAP_QUOTE frame.
    public struct BestFiveLevel: Equatable, Sendable {
        /// 1 for a buy level, 0 for a sell level, as sent.
        public var flag: Int16
        public var quantity: Int64
        public var price: Int64
        public var orders: Int16

        public init(flag: Int16, quantity: Int64, price: Int64, orders: Int16) {
            self.flag = flag
            self.quantity = quantity
            self.price = price
            self.orders = orders
        }
    }

    /// The fields a SNAP_QUOTE frame adds to a QUOTE frame.
    public struct SnapQuote: Equatable, Sendable {
        /// Epoch seconds.
        public var lastTradedTimestamp: Int64
        public var openInterest: Int64
        /// Documented as a float64 that carries no meaning; kept as sent.
        public var openInterestChange: Double
        /// Levels flagged buy, then those flagged sell, each in the order sent.
        public var bestFiveBuy: [BestFiveLevel]
        public var bestFiveSell: [BestFiveLevel]
        public var upperCircuit: Int64
        public var lowerCircuit: Int64
        public var yearHigh: Int64
        public var yearLow: Int64

        public init(lastTradedTimestamp: Int64, openInterest: Int64, openInterestChange: Double,
                    bestFiveBuy: [BestFiveLevel], bestFiveSell: [BestFiveLevel], upperCircuit: Int64,
                    lowerCircuit: Int64, yearHigh: Int64, yearLow: Int64) {
            self.lastTradedTimestamp = lastTradedTimestamp
            self.openInterest = openInterest
            self.openInterestChange = openInterestChange
            self.bestFiveBuy = bestFiveBuy
            self.bestFiveSell = bestFiveSell
            self.upperCircuit = upperCircuit
            self.lowerCircuit = lowerCircuit
            self.yearHigh = yearHigh
            self.yearLow = yearLow
        }
    }

    /// One of the twenty levels of a DEPTH frame.
    public struct DepthLevel: Equatable, Sendable {
        public var quantity: Int32
        public var price: Int32
        public var orders: Int16

        public init(quantity: Int32, price: Int32, orders: Int16) {
            self.quantity = quantity
            self.price = price
            self.orders = orders
        }
    }

    public var mode: SmartStreamMode
    /// 1 nse_cm, 2 nse_fo, 3 bse_cm, 4 bse_fo, 5 mcx_fo, 7 ncx_fo, 13 cde_fo.
    public var exchangeType: UInt8
    /// The instrument's token in the instrument master.
    public var token: String
    /// Absent from DEPTH frames.
    public var sequenceNumber: Int64?
    /// Epoch milliseconds (in DEPTH frames the packet's received time).
    public var exchangeTimestamp: Int64
    /// Absent from DEPTH frames.
    public var lastTradedPrice: Int64?
    /// QUOTE and SNAP_QUOTE frames.
    public var quote: Quote?
    /// SNAP_QUOTE frames.
    public var snapQuote: SnapQuote?
    /// DEPTH frames: twenty buy levels and twenty sell levels.
    public var depthBuy: [DepthLevel]?
    public var depthSell: [DepthLevel]?

    public init(mode: SmartStreamMode, exchangeType: UInt8, token: String, sequenceNumber: Int64?,
                exchangeTimestamp: Int64, lastTradedPrice: Int64?, quote: Quote? = nil, snapQuote: SnapQuote? = nil,
                depthBuy: [DepthLevel]? = nil, depthSell: [DepthLevel]? = nil) {
        self.mode = mode
        self.exchangeType = exchangeType
        self.token = token
        self.sequenceNumber = sequenceNumber
        self.exchangeTimestamp = exchangeTimestamp
        self.lastTradedPrice = lastTradedPrice
        self.quote = quote
        self.snapQuote = snapQuote
        self.depthBuy = depthBuy
        self.depthSell = depthSell
    }

    /// The exchange type of currency derivatives, whose prices use a finer unit.
    public static let currencyExchangeType: UInt8 = 13

    /// What a price field is divided by to give rupees: 100 (paise), or 10,000,000 for currency derivatives.
    public var priceDivisor: Int64 { exchangeType == Self.currencyExchangeType ? 10_000_000 : 100 }
}
