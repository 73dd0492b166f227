import Foundation

/// A user's change to a rule: any subset of what it watches (symbol, range, mode) and whether it is switched on.
///
/// An edit is applied to the rule as it is stored at that moment (the store reads it under a lock), never to a copy
/// read earlier: a firing that committed in between keeps its fire count, state and time.
public struct RuleEdit: Hashable, Sendable {
    public var symbol: Symbol?
    public var min: Money?
    public var max: Money?
    public var mode: RuleMode?
    public var active: Bool?

    public init(symbol: Symbol? = nil, min: Money? = nil, max: Money? = nil, mode: RuleMode? = nil,
                active: Bool? = nil) {
        self.symbol = symbol
        self.min = min
        self.max = max
        self.mode = mode
        self.active = active
    }
}

extension PriceRule {
    /// The rule after `edit`, or nil when the edit changes nothing (`{"active": true}` on a live rule, say), so the
    /// caller leaves the stored rule and the engine's rule book alone.
    ///
    /// Changing what the rule watches (symbol, range or mode) re-arms a live rule; `active: false` pauses it;
    /// `active: true` re-arms a paused or fired rule and leaves a live one as it is. A change bumps `revision`.
    public func applying(_ edit: RuleEdit, at time: Date) throws(ValidationError) -> PriceRule? {
        var next = self
        if let symbol = edit.symbol { next.symbol = symbol }
        if edit.min != nil || edit.max != nil {
            next.range = try PriceRange(min: edit.min ?? range.min, max: edit.max ?? range.max)
        }
        if let mode = edit.mode { next.mode = mode }
        let changedTarget = next.symbol != symbol || next.range != range || next.mode != mode
        switch edit.active {
        case .some(false): next.state = .paused
        case .some(true): if !state.isLive || changedTarget { next.state = .watching }
        case .none: if changedTarget && state.isLive { next.state = .watching }
        }
        guard changedTarget || next.state != state else { return nil }
        next.updatedAt = time
        next.revision = revision + 1
        return next
    }
}
