#!/usr/bin/env python3
"""The reference for `stockcart backtest --no-costs`: backtrader's long-only SMA crossover over a CSV file.

backtrader runs with cheat_on_open, so an order decided on a bar's close (the crossover) is sized with and filled at
the next bar's open: buy floor(cash / open) shares, sell the whole position, no commission or slippage. Prints the
same JSON fields as `stockcart backtest --json` (final_value, cash, open_position, trades) plus the bars per second
of the run, for the parity test and `make bench-backtest`.
"""
import argparse
import csv
import json
import sys
import time
from datetime import datetime

import backtrader as bt


class SmaCross(bt.Strategy):
    params = dict(fast=10, slow=30)

    def __init__(self):
        self.cross = bt.ind.CrossOver(bt.ind.SMA(self.data.close, period=self.p.fast),
                                      bt.ind.SMA(self.data.close, period=self.p.slow))
        self.fills = []

    def next_open(self):
        # With cheat_on_open the indicators still hold the previous bar's values here: the cross is the previous
        # close's, and the open is this bar's.
        if not self.position:
            if self.cross[0] > 0:
                size = int(self.broker.getcash() / self.data.open[0])
                if size > 0:
                    self.buy(size=size)
        elif self.cross[0] < 0:
            self.close()

    def notify_order(self, order):
        if order.status == order.Completed:
            self.fills.append((order.isbuy(), abs(order.executed.size), order.executed.price,
                               bt.num2date(order.executed.dt)))


def load(path):
    """The CSV as backtrader's pandas-free in-memory feed wants it: one tuple per bar."""
    with open(path, newline="") as handle:
        reader = csv.reader(handle)
        header = next(reader)
        intraday = header[0] == "datetime"
        rows = []
        for row in reader:
            stamp = datetime.strptime(row[0], "%Y-%m-%d %H:%M:%S" if intraday else "%Y-%m-%d")
            rows.append((stamp, float(row[1]), float(row[2]), float(row[3]), float(row[4]), float(row[5])))
    return rows, intraday


class ListFeed(bt.feed.DataBase):
    params = (("rows", None),)

    def start(self):
        super().start()
        self._index = 0

    def _load(self):
        if self._index >= len(self.p.rows):
            return False
        stamp, o, h, l, c, v = self.p.rows[self._index]
        self._index += 1
        self.lines.datetime[0] = bt.date2num(stamp)
        self.lines.open[0], self.lines.high[0], self.lines.low[0], self.lines.close[0] = o, h, l, c
        self.lines.volume[0] = v
        self.lines.openinterest[0] = 0
        return True


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--csv", required=True)
    parser.add_argument("--fast", type=int, default=10)
    parser.add_argument("--slow", type=int, default=30)
    parser.add_argument("--cash", type=float, default=1_000_000)
    args = parser.parse_args()
    rows, intraday = load(args.csv)
    cerebro = bt.Cerebro(stdstats=False, cheat_on_open=True)
    cerebro.adddata(ListFeed(rows=rows))
    cerebro.addstrategy(SmaCross, fast=args.fast, slow=args.slow)
    cerebro.broker.setcash(args.cash)
    started = time.perf_counter()
    strategy = cerebro.run()[0]
    seconds = time.perf_counter() - started
    fmt = "%Y-%m-%d %H:%M:%S" if intraday else "%Y-%m-%d"
    trades, entry = [], None
    for is_buy, size, price, when in strategy.fills:
        if is_buy:
            entry = (size, price, when)
        else:
            trades.append({"quantity": int(size), "entry_date": entry[2].strftime(fmt), "entry_price": entry[1],
                           "exit_date": when.strftime(fmt), "exit_price": price,
                           "pnl": round((price - entry[1]) * size, 2)})
            entry = None
    json.dump({"final_value": round(cerebro.broker.getvalue(), 2), "cash": round(cerebro.broker.getcash(), 2),
               "open_position": None if entry is None else {"quantity": int(entry[0]),
                                                            "entry_date": entry[2].strftime(fmt),
                                                            "entry_price": entry[1]},
               "trades": trades, "bars": len(rows), "seconds": seconds,
               "bars_per_second": len(rows) / seconds}, sys.stdout)
    print()


if __name__ == "__main__":
    main()
