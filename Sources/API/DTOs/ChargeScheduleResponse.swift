import Foundation
import TradingCore
import Vapor

/// `GET /api/charges`: the charge schedule the paper broker applies, so clients estimate with the server's rates
/// (including the configured brokerage) instead of copies of them.
struct ChargeScheduleResponse: Content {
    struct Brokerage: Content {
        /// `flat` or `percent`.
        var type: String
        var amount: Double?
        var rate: Double?
        var cap: Double?
        var floor: Double?
    }

    var brokerage: Brokerage
    var sttRate: Double
    var exchangeRate: Double
    var sebiRate: Double
    var stampDutyRate: Double
    var gstRate: Double
    /// `paisa` or `rupee`.
    var sttRounding: String

    enum CodingKeys: String, CodingKey {
        case brokerage
        case sttRate = "stt_rate"
        case exchangeRate = "exchange_rate"
        case sebiRate = "sebi_rate"
        case stampDutyRate = "stamp_duty_rate"
        case gstRate = "gst_rate"
        case sttRounding = "stt_rounding"
    }

    init(_ schedule: ChargeSchedule) {
        switch schedule.brokerage {
        case .flat(let fee):
            brokerage = Brokerage(type: "flat", amount: fee.rupeesDouble)
        case let .percent(rate, cap, floor):
            brokerage = Brokerage(type: "percent", rate: Self.double(rate),
                                  cap: cap.rupeesDouble, floor: floor.rupeesDouble)
        }
        sttRate = Self.double(schedule.sttRate)
        exchangeRate = Self.double(schedule.exchangeRate)
        sebiRate = Self.double(schedule.sebiRate)
        stampDutyRate = Self.double(schedule.stampDutyRate)
        gstRate = Self.double(schedule.gstRate)
        sttRounding = schedule.sttRounding.rawValue
    }

    /// The nearest `Double` to a decimal rate, via its text (NSDecimalNumber's conversion is off in the last digit).
    private static func double(_ value: Decimal) -> Double { Double(value.description) ?? .nan }
}
