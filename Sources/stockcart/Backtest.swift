import API
import ArgumentParser
import Engine
import Foundation
import TradingCore

/// `stockcart backtest`: one strategy over one symbol's history, through the live auto-trader's code.
struct Backtest: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Backtest a strategy over a CSV file's bars or a symbol's stored candles: signal on a bar's close, "
            + "market fill at the next bar's open, Indian delivery charges unless --no-costs.")

    @ArgumentParser.Option(help: "A CSV file (date,open,high,low,close,volume or datetime,…).")
    var csv: String?

    @ArgumentParser.Option(help: "Read this symbol's stored candles instead of a file.")
    var symbol: String?

    @ArgumentParser.Option(help: "With --symbol: the bar width (1m, 5m, 15m, 1h, 1d).")
    var timeframe = "1d"

    @ArgumentParser.Option(help: "The strategy kind: \(StrategyKind.namesList).")
    var strategy = "sma-cross"

    @ArgumentParser.Option(help: "Fast period (sma-cross, ema-cross, macd-cross).") var fast: Double?
    @ArgumentParser.Option(help: "Slow period (sma-cross, ema-cross, macd-cross).") var slow: Double?
    @ArgumentParser.Option(help: "Signal period (macd-cross).") var signal: Double?
    @ArgumentParser.Option(help: "Period (rsi, bollinger-*).") var period: Double?
    @ArgumentParser.Option(help: "Oversold level (rsi).") var oversold: Double?
    @ArgumentParser.Option(help: "Overbought level (rsi).") var overbought: Double?
    @ArgumentParser.Option(help: "Band width in standard deviations (bollinger-*).") var deviations: Double?

    @ArgumentParser.Option(help: "Starting cash in rupees.")
    var cash: Double = 1_000_000

    @ArgumentParser.Option(help: "Position sizing: percent:P of equity, quantity:N, amount:RUPEES or atr:RISK%:MULTIPLE.")
    var sizing = "percent:100"

    @ArgumentParser.Option(name: .customLong("stop-loss"), help: "Stop-loss, percent below entry.")
    var stopLoss: Double?
    @ArgumentParser.Option(name: .customLong("take-profit"), help: "Take-profit, percent above entry.")
    var takeProfit: Double?
    @ArgumentParser.Option(name: .customLong("trailing-stop"), help: "Trailing stop, percent below the high.")
    var trailingStop: Double?
    @ArgumentParser.Flag(name: .customLong("no-signal-exit"), help: "Only the stops close a position.")
    var noSignalExit = false

    @ArgumentParser.Option(name: .customLong("risk-free"), help: "Annual risk-free rate in percent (Sharpe, Sortino).")
    var riskFree: Double = 0

    @ArgumentParser.Flag(name: .customLong("no-costs"), help: "No brokerage, taxes or fees (backtrader's default).")
    var noCosts = false

    @ArgumentParser.Flag(help: "Print the report as JSON.")
    var json = false

    func run() async throws {
        var plan: StrategyPlan
        let settings: BacktestSettings
        do {
            (plan, settings) = try makePlan()
        } catch let error as TradingCore.ValidationError {
            fail("\(error.field.map { "\($0): " } ?? "")\(error.reason)")
        }
        let (symbol, interval, bars) = try await history()
        guard !bars.isEmpty else { fail("there are no bars to test on") }
        plan.timeframe = interval
        let bar = ProgressBar(total: bars.count)
        let report = Backtester(plan: plan, settings: settings).run(symbol: symbol, bars: bars) { done in
            bar.show(done)
        }
        bar.finish()
        if json {
            FileHandle.standardOutput.write(try BacktestOutput.json(report, costs: !noCosts) + Data("\n".utf8))
        } else {
            print(BacktestOutput.text(report, costs: !noCosts), terminator: "")
        }
    }

    func makePlan() throws -> (StrategyPlan, BacktestSettings) {
        guard let kind = StrategyKind(rawValue: strategy) else {
            throw TradingCore.ValidationError(field: "strategy", reason: "unknown strategy '\(strategy)' (one of: "
                                  + "\(StrategyKind.namesList))")
        }
        let given: [String: Double?] = ["fast": fast, "slow": slow, "signal": signal, "period": period,
                                        "oversold": oversold, "overbought": overbought, "deviations": deviations]
        let recipe = try SignalRecipe(kind: kind, parameters: given.compactMapValues { $0 })
        guard let interval = CandleInterval(rawValue: timeframe) else {
            throw TradingCore.ValidationError(field: "timeframe", reason: "timeframe must be one of 1m, 5m, 15m, 1h, 1d")
        }
        guard cash.isFinite, cash > 0, let money = Money(rupees: cash) else {
            throw TradingCore.ValidationError(field: "cash", reason: "cash must be a positive amount with at most two decimals")
        }
        let exits = try ExitRules(stopLossPercent: stopLoss, takeProfitPercent: takeProfit,
                                  trailingStopPercent: trailingStop, onOppositeSignal: !noSignalExit).validated()
        guard riskFree.isFinite, (0...100).contains(riskFree) else {
            throw TradingCore.ValidationError(field: "risk-free", reason: "the risk-free rate must be from 0 to 100 percent")
        }
        let plan = StrategyPlan(id: StrategyID(UUID()), name: recipe.label, recipe: recipe, timeframe: interval,
                                watchlist: [], sizing: try Self.parseSizing(sizing), exits: exits)
        return (plan, BacktestSettings(cash: money, charges: noCosts ? nil : ChargeSchedule(),
                                       riskFreeRatePercent: riskFree))
    }

    static func parseSizing(_ text: String) throws -> PositionSizing {
        let parts = text.split(separator: ":").map { Double($0) }
        let kind = text.split(separator: ":").first.map(String.init) ?? ""
        func number(_ index: Int) -> Double? {
            guard index < parts.count, let value = parts[index], value.isFinite, value > 0 else { return nil }
            return value
        }
        switch (kind, parts.count) {
        case ("percent", 2):
            if let percent = number(1), percent <= 100 { return .percentOfEquity(percent) }
        case ("quantity", 2):
            if let quantity = number(1), quantity.rounded() == quantity, quantity <= Double(OrderLimits.maxQuantity) {
                return .fixedQuantity(Int64(quantity))
            }
        case ("amount", 2):
            if let amount = number(1).flatMap({ Money(rupees: $0) }) { return .fixedAmount(amount) }
        case ("atr", 3):
            if let risk = number(1), risk <= 100, let multiple = number(2) { return .atrRisk(riskPercent: risk,
                                                                                               atrMultiple: multiple) }
        default: break
        }
        throw TradingCore.ValidationError(field: "sizing", reason: "sizing must be percent:P (0 < P ≤ 100), quantity:N, "
                              + "amount:RUPEES or atr:RISK_PERCENT:MULTIPLE, not '\(text)'")
    }

    func history() async throws -> (Symbol, CandleInterval, [Candle]) {
        switch (csv, symbol) {
        case (nil, nil): fail("give --csv FILE or --symbol SYMBOL")
        case (.some, .some): fail("give either --csv or --symbol, not both")
        case (let path?, nil):
            guard let data = FileManager.default.contents(atPath: path) else { fail("\(path) cannot be read") }
            do {
                let parsed = try CandleCSV.parse(String(decoding: data, as: UTF8.self))
                let name = URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent.uppercased()
                return (Symbol(name) ?? "CSV", parsed.interval, parsed.candles)
            } catch {
                fail("\(path): \(error.description)")
            }
        case (nil, let name?):
            guard let interval = CandleInterval(rawValue: timeframe) else {
                fail("timeframe: timeframe must be one of 1m, 5m, 15m, 1h, 1d")
            }
            let config = try AppConfig.fromEnvironment()
            let app = try await makeApplication(arguments: ["stockcart"], logLevel: "warning")
            do {
                let (symbol, bars) = try await StoredHistory.load(app, config: config, symbol: name,
                                                                  interval: interval)
                try await app.asyncShutdown()
                return (symbol, interval, bars)
            } catch let missing as StoredHistory.Missing {
                try? await app.asyncShutdown()
                fail(missing.description)
            } catch {
                try? await app.asyncShutdown()
                throw error
            }
        }
    }

    func fail(_ message: String) -> Never {
        FileHandle.standardError.write(Data("backtest: \(message)\n".utf8))
        Foundation.exit(2)
    }
}
