import Fluent
import SQLKit

/// Version 2: `rules.revision`, the count of a rule's edits, which the engine matches against so an edit always wins
/// over a firing of the rule as it was (see `PriceRule.revision`). Existing rules start at revision 1.
public struct AddRuleRevision: AsyncMigration {
    public init() {}

    public var name: String { "StockCart.AddRuleRevision.v2" }

    public func prepare(on database: any Database) async throws {
        try await database.schema(RuleModel.schema)
            .field("revision", .int64, .required, .sql(.default(1)))
            .update()
    }

    public func revert(on database: any Database) async throws {
        try await database.schema(RuleModel.schema).deleteField("revision").update()
    }
}
