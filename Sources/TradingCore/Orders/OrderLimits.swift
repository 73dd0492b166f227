/// The largest price, quantity and order value StockCart accepts from a user: fat-finger guards, and the bounds that
/// keep every product of a price and a quantity far inside the range of `Money`.
///
/// With these bounds the largest order value a user can ask for is ₹10 crore, and the largest price times the
/// largest quantity is ₹1,00,000 crore: about a thousandth of what an `Int64` of paise holds, so no sum of a few
/// orders' values, charges or reservations can overflow either.
public enum OrderLimits {
    /// The most shares in one order or cart line.
    public static let maxQuantity: Int64 = 1_000_000

    /// The highest price per share: ₹10,00,000. Several times the dearest share listed on the NSE or BSE; a price
    /// above it is a typing error, and no exchange would take it.
    public static let maxPrice = Money(paise: 10_00_000_00)

    /// The most one order may be worth (price × quantity, before charges): ₹10 crore. Brokers cap a single
    /// cash-market order at about this value; larger trades are split into several orders.
    public static let maxValue = Money(paise: 10_00_00_000_00)
}
