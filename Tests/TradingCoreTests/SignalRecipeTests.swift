import Testing
@testable import TradingCore

@Suite("Strategies: kinds and their parameters")
struct SignalRecipeTests {
    @Test("every kind resolves to its defaults when no parameter is given")
    func defaults() throws {
        #expect(try SignalRecipe(kind: .smaCross) == .smaCross(fast: 10, slow: 30))
        #expect(try SignalRecipe(kind: .emaCross) == .emaCross(fast: 12, slow: 26))
        #expect(try SignalRecipe(kind: .rsi) == .rsi(period: 14, oversold: 30, overbought: 70))
        #expect(try SignalRecipe(kind: .macdCross) == .macdCross(fast: 12, slow: 26, signal: 9))
        #expect(try SignalRecipe(kind: .bollingerBreakout) == .bollingerBreakout(period: 20, deviations: 2))
        #expect(try SignalRecipe(kind: .bollingerReversion) == .bollingerReversion(period: 20, deviations: 2))
        for kind in StrategyKind.allCases {
            let recipe = try SignalRecipe(kind: kind)
            #expect(recipe.kind == kind)
            #expect(Set(recipe.parameters.keys) == Set(kind.defaults.map(\.name)))
        }
    }

    @Test("given parameters override the defaults and round-trip through `parameters`")
    func overrides() throws {
        let recipe = try SignalRecipe(kind: .rsi, parameters: ["period": 7, "oversold": 25.5])
        #expect(recipe == .rsi(period: 7, oversold: 25.5, overbought: 70))
        #expect(try SignalRecipe(kind: .rsi, parameters: recipe.parameters) == recipe)
        #expect(recipe.label == "RSI(7) 25.5/70")
    }

    @Test("bad parameters are refused naming the field", arguments: [
        (StrategyKind.smaCross, ["period": 5.0], "parameters.period", "sma-cross has no parameter period (it takes fast, slow)"),
        (.smaCross, ["fast": 30, "slow": 10], "parameters.fast", "fast (30) must be below slow (10)"),
        (.smaCross, ["fast": 20, "slow": 20], "parameters.fast", "fast (20) must be below slow (20)"),
        (.emaCross, ["fast": 0], "parameters.fast", "fast must be a whole number of bars from 1 to 1000"),
        (.emaCross, ["slow": -3], "parameters.slow", "slow must be a whole number of bars from 1 to 1000"),
        (.macdCross, ["signal": 2.5], "parameters.signal", "signal must be a whole number of bars from 1 to 1000"),
        (.macdCross, ["slow": 5000], "parameters.slow", "slow must be a whole number of bars from 1 to 1000"),
        (.rsi, ["oversold": -1], "parameters.oversold", "oversold must be from 0 to 100"),
        (.rsi, ["overbought": 101], "parameters.overbought", "overbought must be from 0 to 100"),
        (.rsi, ["oversold": 70, "overbought": 30], "parameters.oversold", "oversold (70) must be below overbought (30)"),
        (.bollingerBreakout, ["deviations": 0], "parameters.deviations", "deviations must be above 0 and at most 10"),
        (.bollingerReversion, ["deviations": 11], "parameters.deviations", "deviations must be above 0 and at most 10"),
        (.bollingerReversion, ["period": .nan], "parameters.period", "period must be a finite number"),
    ])
    func refusals(kind: StrategyKind, parameters: [String: Double], field: String, reason: String) {
        #expect(throws: ValidationError(field: field, reason: reason)) {
            try SignalRecipe(kind: kind, parameters: parameters)
        }
    }

    @Test("exit percentages outside (0, 100) are refused naming the field")
    func exitRules() throws {
        #expect(try ExitRules(stopLossPercent: 5, takeProfitPercent: 10).validated().watchesPrice)
        #expect(try !ExitRules().validated().watchesPrice)
        #expect(throws: ValidationError(field: "exits.stop_loss_percent",
                                        reason: "stop_loss_percent must be above 0 and below 100")) {
            try ExitRules(stopLossPercent: 0).validated()
        }
        #expect(throws: ValidationError(field: "exits.trailing_stop_percent",
                                        reason: "trailing_stop_percent must be above 0 and below 100")) {
            try ExitRules(trailingStopPercent: 100).validated()
        }
    }
}
