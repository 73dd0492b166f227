@testable import AngelOne
import Foundation
import Testing

/// The instrument master as `../shared/reference/protocols.md` §1.10 describes it: an array of all-string rows.
@Suite("Instrument master: tokens by symbol, odd rows skipped")
struct InstrumentMasterTests {
    static let file = """
    [
      {"token":"2885","symbol":"RELIANCE-EQ","name":"RELIANCE","expiry":"","strike":"-1.000000","lotsize":"1",
       "instrumenttype":"","exch_seg":"NSE","tick_size":"5.000000"},
      {"token":"500325","symbol":"RELIANCE","name":"RELIANCE","expiry":"","strike":"-1.000000","lotsize":"1",
       "instrumenttype":"","exch_seg":"BSE","tick_size":"5.000000"},
      {"token":"3045","symbol":"SBIN-EQ","name":"SBIN","expiry":"","strike":"0","lotsize":"1",
       "instrumenttype":"","exch_seg":"nse_cm","tick_size":"5.000000"},
      {"token":"99926000","symbol":"Nifty 50","name":"NIFTY","expiry":"","strike":"0.000000","lotsize":"1",
       "instrumenttype":"AMXIDX","exch_seg":"NSE","tick_size":"0.000000"},
      {"token":"46569","symbol":"NIFTY07MAR2422500CE","name":"NIFTY","expiry":"07MAR2024","strike":"2250000.000000",
       "lotsize":"75","instrumenttype":"OPTIDX","exch_seg":"NFO","tick_size":"5.000000"},
      {"token":"1234","symbol":"ABC-BE","name":"ABC","expiry":"","strike":"-1","lotsize":"1","instrumenttype":"",
       "exch_seg":"NSE","tick_size":"5.000000"},
      {"token":"","symbol":"BROKEN-EQ","name":"BROKEN","exch_seg":"NSE"},
      {"token":"77","symbol":"MARS-EQ","name":"MARS","exch_seg":"MARS"},
      {"token":12,"symbol":["not","a","string"]},
      "not even an object"
    ]
    """

    @Test("NSE cash equities by name, in the regular series; indices, options, BSE and other series left out")
    func equities() throws {
        let master = try InstrumentMaster(json: Data(Self.file.utf8))
        #expect(master.nseEquity("RELIANCE") == Instrument(
            token: "2885", tradingSymbol: "RELIANCE-EQ", name: "RELIANCE", exchange: "NSE", instrumentType: "",
            lotSize: 1, tickSizePaise: 5))
        #expect(master.nseEquity("SBIN")?.token == "3045", "the documentation's nse_cm segment reads as NSE")
        #expect(master.nseEquity("SBIN")?.streamExchangeType == 1)
        #expect(master.nseEquity("NIFTY") == nil)
        #expect(master.nseEquity("ABC") == nil)
        #expect(Set(master.nseEquities.keys) == ["RELIANCE", "SBIN"])
    }

    @Test("rows without a token, symbol or known exchange are skipped and counted, not fatal")
    func skipped() throws {
        let master = try InstrumentMaster(json: Data(Self.file.utf8))
        #expect(master.rowCount == 10)
        #expect(master.skippedCount == 4)
    }

    @Test("a file that is not a JSON array is refused", arguments: ["", "{}", "<html>", "[1, 2"])
    func unreadable(text: String) {
        #expect(throws: InstrumentMaster.Unreadable.self) { try InstrumentMaster(json: Data(text.utf8)) }
    }
}
