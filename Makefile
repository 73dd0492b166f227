# StockCart developer commands. The real work lives in scripts/ so CI and humans run the same thing.
SWIFT ?= swift
ARGS  ?=

KILLS ?= 50

.PHONY: help build run test soak bench bench-indicators bench-rules bench-latency bench-latency-smartstream bench-smartstream bench-backtest bench-http bench-ws bench-cluster clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-6s %s\n", $$1, $$2}'

build: ## debug build of the stockcart server
	$(SWIFT) build --product stockcart

run: build ## build, then serve on http://127.0.0.1:8080 (SQLite in ./data, simulated feed, paper broker); ARGS="--port 9000"
	$(SWIFT) run stockcart serve $(ARGS)

test: ## the full test suite (same as CI): scripts/test.sh
	bash scripts/test.sh

soak: ## the fault tests in full: the crash loop with $(KILLS) SIGKILLs, and the database outage on a throwaway PostgreSQL; KILLS=100
	STOCKCART_CRASH_KILLS=$(KILLS) bash scripts/soak.sh

bench: bench-rules bench-latency bench-latency-smartstream bench-smartstream bench-indicators bench-backtest ## the in-process benchmarks, release builds (figures: docs/benchmarks.md)

bench-rules: ## rule book vs a naive per-rule check, 1,000,000 rules; ARGS="--profile stress --jumps heavy"
	$(SWIFT) build -c release --product rulebook-bench
	.build/release/rulebook-bench $(ARGS)

bench-indicators: ## the ten indicators over 10,000,000 bars beside TA-Lib from Python, same bars, same run
	$(SWIFT) build -c release --product indicator-bench
	python3 benchmarks/indicators/bench_indicators.py $(ARGS)

bench-backtest: ## the SMA-crossover backtest in bars/s through the real engine beside backtrader, same file, same run
	$(SWIFT) build -c release --product backtest-bench
	python3 benchmarks/backtest/bench_backtest.py $(ARGS)

bench-smartstream: ## SmartStream binary frames decoded per second on one core, per mode
	$(SWIFT) build -c release --product smartstream-bench
	.build/release/smartstream-bench $(ARGS)

bench-http: ## HTTP hot paths under wrk beside a FastAPI reference, SQLite and PostgreSQL; ARGS="--db sqlite --duration 5"
	python3 benchmarks/http/bench_http.py $(ARGS)

bench-cluster: ## 1, 2 and 3 instances on one PostgreSQL behind nginx: req/s, p99, scaling, cross-instance firing latency, takeover after SIGKILL; ARGS="--duration 5"
	python3 benchmarks/cluster/bench_cluster.py $(ARGS)

bench-ws: ## WebSocket prices to 1,000 clients; RSS with 1,000,000 rules and 10,000 sockets; ARGS="--skip-memory"
	python3 benchmarks/ws/bench_ws.py $(ARGS)

bench-latency: ## tick → database commit → WebSocket cart.added, through the real server on loopback
	$(SWIFT) build -c release --product latency-bench
	.build/release/latency-bench $(LATENCY_ARGS)

bench-latency-smartstream: ## a SmartStream frame (fake SmartStream, loopback) → Angel One feed → commit → cart.added
	$(SWIFT) build -c release --product latency-bench
	.build/release/latency-bench --feed smartstream $(LATENCY_ARGS)

clean: ## remove build products and test caches (keeps ./data, your local database)
	$(SWIFT) package clean
	rm -rf tests/output .pytest_cache tests/process/__pycache__ tests/process/.pytest_cache
