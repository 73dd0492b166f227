/// Labels that separate the random streams derived from one seed, so that live ticks, daily history and minute
/// history for the same symbol never share random numbers.
enum StreamPurpose {
    static let liveTicks: UInt64 = 1
    static let dailyHistory: UInt64 = 2
    static let minuteHistory: UInt64 = 3
}
