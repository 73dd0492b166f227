/// Formats `Money` the way Indian traders read it: ₹ sign, two decimals, lakh/crore digit grouping (₹10,00,000.00).
public enum MoneyFormatter {
    public static func format(_ money: Money, symbol: Bool = true) -> String {
        let negative = money.paise < 0
        let magnitude = money.paise.magnitude
        let rupees = magnitude / 100
        let paise = magnitude % 100
        let digits = String(rupees)
        var grouped = ""
        if digits.count <= 3 {
            grouped = digits
        } else {
            // Last three digits form one group, every group before that has two (Indian numbering).
            let lastThree = digits.suffix(3)
            var head = String(digits.dropLast(3))
            var groups: [String] = []
            while head.count > 2 {
                groups.insert(String(head.suffix(2)), at: 0)
                head.removeLast(2)
            }
            if !head.isEmpty { groups.insert(head, at: 0) }
            grouped = groups.joined(separator: ",") + "," + lastThree
        }
        let fraction = paise < 10 ? "0\(paise)" : "\(paise)"
        return (negative ? "-" : "") + (symbol ? "₹" : "") + grouped + "." + fraction
    }
}
