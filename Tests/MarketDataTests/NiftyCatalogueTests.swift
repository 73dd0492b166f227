import Foundation
import MarketData
import Testing
import TradingCore

/// The constituent file shared next to the package (`../shared/data/nse-symbols.csv`), if this checkout has it.
/// Symlinks are resolved first so a scratch package that links this folder in still finds the real checkout.
private let constituentsFile: URL = URL(fileURLWithPath: #filePath)
    .resolvingSymlinksInPath()
    .deletingLastPathComponent()  // MarketDataTests
    .deletingLastPathComponent()  // Tests
    .deletingLastPathComponent()  // package root
    .appendingPathComponent("../shared/data/nse-symbols.csv")
    .standardizedFileURL

private let constituentsAvailable = FileManager.default.fileExists(atPath: constituentsFile.path)

@Suite("NiftyCatalogue")
struct NiftyCatalogueTests {
    @Test func hasFiftyUniqueSymbols() {
        #expect(NiftyCatalogue.all.count == 50)
        #expect(Set(NiftyCatalogue.all.map(\.symbol)).count == 50)
    }

    @Test(.enabled(if: constituentsAvailable, "../shared/data/nse-symbols.csv not found next to the package"))
    func matchesTheConstituentFile() throws {
        let text = try String(contentsOf: constituentsFile, encoding: .utf8)
        let rows = text.split(whereSeparator: \.isNewline).dropFirst().map { $0.split(separator: ",").map(String.init) }
        let expected = Set(rows.compactMap { $0.first.flatMap(Symbol.init) })
        #expect(expected.count == 50)
        #expect(Set(NiftyCatalogue.all.map(\.symbol)) == expected)
        // Names and sectors are NSE's own, so the dashboard can show and group by them.
        for row in rows {
            let symbol = try #require(Symbol(row[0]))
            let stock = try #require(NiftyCatalogue.stock(for: symbol))
            #expect(stock.name == row[1], "\(symbol) name")
            #expect(stock.sector == row[2], "\(symbol) sector")
        }
    }

    @Test func referencePricesArePositiveAndOnTheTickGrid() {
        for stock in NiftyCatalogue.all {
            #expect(stock.referencePrice > .zero, "\(stock.symbol)")
            #expect(stock.referencePrice.isOnTickGrid, "\(stock.symbol) \(stock.referencePrice)")
        }
    }

    @Test func volatilitiesAndVolumesAreRealistic() throws {
        for stock in NiftyCatalogue.all {
            #expect((0.15...0.50).contains(stock.annualVolatility), "\(stock.symbol)")
            #expect((100_000...100_000_000).contains(stock.averageDailyVolume), "\(stock.symbol)")
        }
        // Large private banks move less than the Adani flagship.
        let hdfc = try #require(NiftyCatalogue.stock(for: "HDFCBANK"))
        let adani = try #require(NiftyCatalogue.stock(for: "ADANIENT"))
        #expect(hdfc.annualVolatility < adani.annualVolatility)
    }

    @Test func looksUpBySymbol() throws {
        let reliance = try #require(NiftyCatalogue.stock(for: "RELIANCE"))
        #expect(reliance.name == "Reliance Industries Ltd.")
        #expect(reliance.referencePrice == Money(paise: 136_400))
        #expect(NiftyCatalogue.stock(for: "M&M")?.sector == "Automobile and Auto Components")
        #expect(NiftyCatalogue.stock(for: "BAJAJ-AUTO") != nil)
        #expect(NiftyCatalogue.stock(for: "INDUSINDBK") == nil)
    }
}
