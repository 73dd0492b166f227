"""The reference for `make bench-http`: the seed project's stack (FastAPI on uvicorn) serving the same 50 quotes as
StockCart's market watch, and a validated POST kept in a dict. As small as such an app can honestly be.

Both routes answer with `json.dumps` of the data per request rather than through FastAPI's `jsonable_encoder`,
which walks every value in Python and is several times slower (455 against about 3,000 requests a second for the
quotes on this machine): the reference should be the stack at its quickest, not at its default."""

from __future__ import annotations

import json
import random
import time
import uuid
from typing import Literal

from fastapi import FastAPI, HTTPException, Response
from pydantic import BaseModel, Field

app = FastAPI()

_random = random.Random(42)
SYMBOLS = [f"STOCK{index:02d}" for index in range(50)]
QUOTES = []
for symbol in SYMBOLS:
    close = round(_random.uniform(100, 5000), 2)
    ltp = round(close * _random.uniform(0.97, 1.03), 2)
    QUOTES.append({
        "symbol": symbol, "name": f"{symbol} Ltd.", "sector": "Financial Services", "exchange": "NSE", "ltp": ltp,
        "change": round(ltp - close, 2), "change_percent": round((ltp - close) / close * 100, 2), "open": close,
        "high": max(ltp, close), "low": min(ltp, close), "previous_close": close, "volume": _random.randrange(10**6),
        "time": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    })
KNOWN = set(SYMBOLS)
RULES: dict[str, dict] = {}


@app.get("/api/stocks")
def stocks():
    return Response(content=json.dumps(QUOTES), media_type="application/json")


class RuleIn(BaseModel):
    symbol: str
    min_price: float = Field(gt=0, le=1_000_000)
    max_price: float = Field(gt=0, le=1_000_000)
    mode: Literal["once", "rearm"] = "once"


@app.post("/api/rules", status_code=201)
def create_rule(rule: RuleIn):
    if rule.symbol not in KNOWN:
        raise HTTPException(status_code=422, detail=f"unknown symbol '{rule.symbol}'")
    if rule.min_price > rule.max_price:
        raise HTTPException(status_code=422, detail="min_price must not be greater than max_price")
    stored = {"id": str(uuid.uuid4()), **rule.model_dump(), "state": "watching", "fire_count": 0}
    RULES[stored["id"]] = stored
    return Response(content=json.dumps(stored), media_type="application/json", status_code=201)
