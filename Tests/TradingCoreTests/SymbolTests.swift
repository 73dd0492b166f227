import Testing
import TradingCore

@Suite("Symbol")
struct SymbolTests {
    @Test("NSE symbols are accepted and normalised to upper case", arguments: [
        ("RELIANCE", "RELIANCE"), ("reliance", "RELIANCE"), ("  tcs ", "TCS"), ("M&M", "M&M"),
        ("bajaj-auto", "BAJAJ-AUTO"), ("3MINDIA", "3MINDIA"), ("A", "A"),
        ("ABCDEFGHIJKLMNOPQRST", "ABCDEFGHIJKLMNOPQRST"),
    ])
    func valid(raw: String, normalised: String) throws {
        let symbol = try #require(Symbol(raw))
        #expect(symbol.rawValue == normalised)
        #expect(symbol.description == normalised)
    }

    @Test("anything else is refused", arguments: [
        "", "   ", "ABCDEFGHIJKLMNOPQRSTU", "RELIANCE.NS", "TATA MOTORS", "NIFTY_50", "ÄBC", "ß", "TCS\n", "₹",
    ])
    func invalid(raw: String) {
        #expect(Symbol(raw) == nil)
    }

    @Test("literals, equality and ordering")
    func literalsAndOrder() {
        let infy: Symbol = "INFY"
        #expect(infy == Symbol("infy"))
        #expect(["TCS", "INFY", "M&M"].sorted() as [Symbol] == ["INFY", "M&M", "TCS"])
    }
}
