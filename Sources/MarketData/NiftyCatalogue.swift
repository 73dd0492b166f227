import TradingCore

/// The 50 NIFTY 50 constituents (NSE Indices' current list) with the facts the simulator and the dashboard need.
///
/// The data is compiled in, not read from disk, so a server starts the same way everywhere and tests can rely on it.
/// Reference prices are end-of-September-2025 closes: for the 17 stocks with vendor daily data (Upstox, back-adjusted)
/// they are that data's last close, snapped to the ₹0.05 grid where the vendor printed a finer price (TATASTEEL,
/// WIPRO); the rest are approximate levels of the same week. TMPV only started trading under that symbol after the
/// October 2025 demerger of Tata Motors, so its price is its early post-listing level. Volatilities are one-year
/// realised figures where data exists and sector-typical judgements otherwise; volumes are recent shares per session.
public enum NiftyCatalogue {
    /// All constituents, in the order of NSE's constituent file (alphabetical by company name).
    public static let all: [StockInfo] = [
        stock("ADANIENT", "Adani Enterprises Ltd.", "Metals & Mining",
              paise: 238_950, volatility: 0.42, volume: 1_400_000),
        stock("ADANIPORTS", "Adani Ports and Special Economic Zone Ltd.", "Services",
              paise: 140_980, volatility: 0.32, volume: 2_600_000),
        stock("APOLLOHOSP", "Apollo Hospitals Enterprise Ltd.", "Healthcare",
              paise: 758_500, volatility: 0.26, volume: 420_000),
        stock("ASIANPAINT", "Asian Paints Ltd.", "Consumer Durables",
              paise: 234_260, volatility: 0.24, volume: 1_300_000),
        stock("AXISBANK", "Axis Bank Ltd.", "Financial Services",
              paise: 113_160, volatility: 0.22, volume: 7_350_000),
        stock("BAJAJ-AUTO", "Bajaj Auto Ltd.", "Automobile and Auto Components",
              paise: 864_050, volatility: 0.26, volume: 420_000),
        stock("BAJFINANCE", "Bajaj Finance Ltd.", "Financial Services",
              paise: 99_890, volatility: 0.26, volume: 7_330_000),
        stock("BAJAJFINSV", "Bajaj Finserv Ltd.", "Financial Services",
              paise: 199_640, volatility: 0.25, volume: 1_100_000),
        stock("BEL", "Bharat Electronics Ltd.", "Capital Goods",
              paise: 40_385, volatility: 0.36, volume: 14_000_000),
        stock("BHARTIARTL", "Bharti Airtel Ltd.", "Telecommunication",
              paise: 187_840, volatility: 0.21, volume: 6_320_000),
        stock("CIPLA", "Cipla Ltd.", "Healthcare",
              paise: 150_320, volatility: 0.22, volume: 1_400_000),
        stock("COALINDIA", "Coal India Ltd.", "Oil Gas & Consumable Fuels",
              paise: 38_860, volatility: 0.28, volume: 6_500_000),
        stock("DRREDDY", "Dr. Reddy's Laboratories Ltd.", "Healthcare",
              paise: 124_270, volatility: 0.24, volume: 1_900_000),
        stock("EICHERMOT", "Eicher Motors Ltd.", "Automobile and Auto Components",
              paise: 698_550, volatility: 0.28, volume: 600_000),
        stock("ETERNAL", "Eternal Ltd.", "Consumer Services",
              paise: 32_540, volatility: 0.42, volume: 33_000_000),
        stock("GRASIM", "Grasim Industries Ltd.", "Construction Materials",
              paise: 276_830, volatility: 0.24, volume: 650_000),
        stock("HCLTECH", "HCL Technologies Ltd.", "Information Technology",
              paise: 138_510, volatility: 0.24, volume: 3_200_000),
        stock("HDFCBANK", "HDFC Bank Ltd.", "Financial Services",
              paise: 95_100, volatility: 0.18, volume: 16_690_000),
        stock("HDFCLIFE", "HDFC Life Insurance Company Ltd.", "Financial Services",
              paise: 75_845, volatility: 0.24, volume: 2_400_000),
        stock("HINDALCO", "Hindalco Industries Ltd.", "Metals & Mining",
              paise: 75_430, volatility: 0.32, volume: 6_800_000),
        stock("HINDUNILVR", "Hindustan Unilever Ltd.", "Fast Moving Consumer Goods",
              paise: 251_440, volatility: 0.20, volume: 1_670_000),
        stock("ICICIBANK", "ICICI Bank Ltd.", "Financial Services",
              paise: 134_800, volatility: 0.18, volume: 9_030_000),
        stock("ITC", "ITC Ltd.", "Fast Moving Consumer Goods",
              paise: 40_155, volatility: 0.18, volume: 12_160_000),
        stock("INFY", "Infosys Ltd.", "Information Technology",
              paise: 144_180, volatility: 0.26, volume: 8_120_000),
        stock("INDIGO", "InterGlobe Aviation Ltd.", "Services",
              paise: 561_200, volatility: 0.30, volume: 850_000),
        stock("JSWSTEEL", "JSW Steel Ltd.", "Metals & Mining",
              paise: 114_360, volatility: 0.30, volume: 2_100_000),
        stock("JIOFIN", "Jio Financial Services Ltd.", "Financial Services",
              paise: 29_685, volatility: 0.38, volume: 11_000_000),
        stock("KOTAKBANK", "Kotak Mahindra Bank Ltd.", "Financial Services",
              paise: 199_270, volatility: 0.24, volume: 3_520_000),
        stock("LT", "Larsen & Toubro Ltd.", "Construction",
              paise: 365_900, volatility: 0.24, volume: 1_670_000),
        stock("M&M", "Mahindra & Mahindra Ltd.", "Automobile and Auto Components",
              paise: 345_220, volatility: 0.28, volume: 2_300_000),
        stock("MARUTI", "Maruti Suzuki India Ltd.", "Automobile and Auto Components",
              paise: 1_602_900, volatility: 0.22, volume: 440_000),
        stock("MAXHEALTH", "Max Healthcare Institute Ltd.", "Healthcare",
              paise: 112_640, volatility: 0.32, volume: 1_700_000),
        stock("NTPC", "NTPC Ltd.", "Power",
              paise: 34_025, volatility: 0.26, volume: 11_500_000),
        stock("NESTLEIND", "Nestle India Ltd.", "Fast Moving Consumer Goods",
              paise: 115_790, volatility: 0.20, volume: 1_150_000),
        stock("ONGC", "Oil & Natural Gas Corporation Ltd.", "Oil Gas & Consumable Fuels",
              paise: 23_810, volatility: 0.30, volume: 9_800_000),
        stock("POWERGRID", "Power Grid Corporation of India Ltd.", "Power",
              paise: 28_045, volatility: 0.25, volume: 10_500_000),
        stock("RELIANCE", "Reliance Industries Ltd.", "Oil Gas & Consumable Fuels",
              paise: 136_400, volatility: 0.21, volume: 10_250_000),
        stock("SBILIFE", "SBI Life Insurance Company Ltd.", "Financial Services",
              paise: 178_160, volatility: 0.24, volume: 1_050_000),
        stock("SHRIRAMFIN", "Shriram Finance Ltd.", "Financial Services",
              paise: 61_985, volatility: 0.34, volume: 4_600_000),
        stock("SBIN", "State Bank of India", "Financial Services",
              paise: 87_245, volatility: 0.21, volume: 8_880_000),
        stock("SUNPHARMA", "Sun Pharmaceutical Industries Ltd.", "Healthcare",
              paise: 159_430, volatility: 0.21, volume: 2_420_000),
        stock("TCS", "Tata Consultancy Services Ltd.", "Information Technology",
              paise: 288_840, volatility: 0.21, volume: 2_860_000),
        stock("TATACONSUM", "Tata Consumer Products Ltd.", "Fast Moving Consumer Goods",
              paise: 112_140, volatility: 0.24, volume: 1_500_000),
        stock("TMPV", "Tata Motors Passenger Vehicles Ltd.", "Automobile and Auto Components",
              paise: 40_035, volatility: 0.35, volume: 10_000_000),
        stock("TATASTEEL", "Tata Steel Ltd.", "Metals & Mining",
              paise: 16_875, volatility: 0.28, volume: 21_440_000),
        stock("TECHM", "Tech Mahindra Ltd.", "Information Technology",
              paise: 141_130, volatility: 0.27, volume: 2_000_000),
        stock("TITAN", "Titan Company Ltd.", "Consumer Durables",
              paise: 338_070, volatility: 0.24, volume: 1_100_000),
        stock("TRENT", "Trent Ltd.", "Consumer Services",
              paise: 467_900, volatility: 0.38, volume: 1_050_000),
        stock("ULTRACEMCO", "UltraTech Cement Ltd.", "Construction Materials",
              paise: 1_209_600, volatility: 0.23, volume: 280_000),
        stock("WIPRO", "Wipro Ltd.", "Information Technology",
              paise: 23_935, volatility: 0.27, volume: 8_850_000),
    ]

    /// The constituent with this symbol, or nil when the symbol is not in the index.
    public static func stock(for symbol: Symbol) -> StockInfo? {
        guard let position = positions[symbol] else { return nil }
        return all[position]
    }

    /// Symbol → position in `all`, built once so lookups on request paths are O(1).
    private static let positions: [Symbol: Int] = Dictionary(
        all.enumerated().map { ($0.element.symbol, $0.offset) },
        uniquingKeysWith: { first, _ in first }
    )

    private static func stock(_ symbol: Symbol, _ name: String, _ sector: String, paise: Int64, volatility: Double,
                              volume: Int64) -> StockInfo {
        StockInfo(symbol: symbol, name: name, sector: sector, referencePrice: Money(paise: paise),
                  annualVolatility: volatility, averageDailyVolume: volume)
    }
}
