import API
import ArgumentParser
import Foundation

/// `stockcart import-candles --symbol RELIANCE --csv FILE`: one symbol's history into the candle store.
struct ImportCandles: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import-candles",
        abstract: "Import a symbol's OHLCV history from CSV (date,… daily or datetime,… one-minute; IST) into the "
            + "candle store. Idempotent; a malformed file is refused whole, naming its first bad line.")

    @ArgumentParser.Option(help: "The NSE symbol the file is the history of.")
    var symbol: String

    @ArgumentParser.Option(help: "The CSV file.")
    var csv: String

    func run() async throws {
        let config = try AppConfig.fromEnvironment()
        let app = try await makeApplication(arguments: ["stockcart"], logLevel: "warning")
        do {
            let imported = try await CandleImport.run(app, config: config, symbol: symbol, csv: csv)
            print("imported \(imported.count) \(imported.interval.rawValue) bars of \(symbol.uppercased()), "
                  + "\(imported.first) to \(imported.last)")
        } catch let refused as CandleImport.Refused {
            FileHandle.standardError.write(Data("import-candles: \(refused.description)\n".utf8))
            try? await app.asyncShutdown()
            throw ExitCode(2)
        } catch {
            FileHandle.standardError.write(Data("import-candles failed: \(error)\n".utf8))
            try? await app.asyncShutdown()
            throw ExitCode.failure
        }
        try await app.asyncShutdown()
    }
}
