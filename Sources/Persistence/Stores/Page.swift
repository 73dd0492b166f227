import Foundation

/// One page of a listing, read in the listing's order from after a given item (keyset paging): a page costs what it
/// returns, however many items come before it.
public struct Page<Item: Sendable>: Sendable {
    public var items: [Item]
    /// The id to pass as `after` for the next page; nil on the last page.
    public var nextAfter: UUID?

    public init(items: [Item], nextAfter: UUID?) {
        self.items = items
        self.nextAfter = nextAfter
    }

    /// The first `limit` of `rows` (read as `limit + 1`, the extra one telling that another page follows).
    static func of(_ rows: [Item], limit: Int, id: (Item) -> UUID) -> Page {
        let items = Array(rows.prefix(limit))
        return Page(items: items, nextAfter: rows.count > limit ? items.last.map(id) : nil)
    }
}

/// A listing was asked to continue after an item that is not in it: not the user's, gone, or never there.
public struct UnknownPageCursor: Error, Sendable, CustomStringConvertible {
    public init() {}
    public var description: String {
        "after names no item of this listing (it may have been deleted); start again without after"
    }
}
