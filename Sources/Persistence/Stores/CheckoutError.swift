/// A checkout that cannot be honoured as asked.
public enum CheckoutError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The `Idempotency-Key` was used before with a different request body.
    case keyReusedWithDifferentRequest
    /// A named cart line is not in the user's cart (never was, removed, or already checked out).
    case itemNotInCart(index: Int)

    public var description: String {
        switch self {
        case .keyReusedWithDifferentRequest:
            "this Idempotency-Key was already used for a different checkout; use a new key for a new checkout"
        case let .itemNotInCart(index):
            "items[\(index)].cart_item_id is not in your cart"
        }
    }
}
