import Fluent

/// The ordered list of StockCart migrations; both `stockcart migrate` and server start run it.
public enum StockCartMigrations {
    public static var all: [any Migration] { [CreateSchema(), AddRuleRevision(), AddRunningTotals(), AddPagingIndexes(), AddBrokerAccounts(), AddCandles(), AddFundsChecker(),
                                       AddAutoTrading(), AddAccessControl(), AddCluster(), AddBacktestInstance()] }
}
