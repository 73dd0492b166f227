"""The shell the pages run in: the strict Content-Security-Policy is really sent and nothing in Public/ needs it
relaxed (no inline scripts, styles or handlers, no HTML injection), every module is preloaded (no request
waterfall), the market watch's sparklines cost one request, and the first screens paint fast. Console cleanliness
is checked by the `browser` fixture after every test; here a session visits every page with no allowances at all."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import requests

from ui import unique_email

PUBLIC = Path(__file__).resolve().parents[2] / "Public"


class _Tags(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.inline_script = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        self._open = tag

    def handle_data(self, data):
        if getattr(self, "_open", None) == "script" and data.strip():
            self.inline_script.append(data.strip()[:80])

    def handle_endtag(self, tag):
        self._open = None


def _modules_reachable_from(entry: Path) -> set[str]:
    """Every module the entry imports, transitively, as paths relative to Public/."""
    seen: set[str] = set()
    todo = [entry]
    pattern = re.compile(r"""(?:^|\n)\s*(?:import|export)\s[^;]*?from\s+["'](\.[^"']+)["']|import\(\s*["'](\.[^"']+)["']""")
    while todo:
        path = todo.pop()
        rel = path.relative_to(PUBLIC).as_posix()
        if rel in seen:
            continue
        seen.add(rel)
        for match in pattern.finditer(path.read_text()):
            target = (path.parent / (match.group(1) or match.group(2))).resolve()
            assert target.is_file(), f"{rel} imports missing module {target}"
            todo.append(target)
    return seen


def test_csp_is_sent_and_nothing_needs_it_relaxed(live_server):
    for path in ("/", "/index.html", "/js/app.js", "/css/base.css"):
        response = requests.get(live_server.base_url + path, timeout=10)
        assert response.status_code == 200, (path, response.status_code)
        csp = response.headers.get("Content-Security-Policy", "")
        assert "script-src 'self'" in csp and "style-src 'self'" in csp, (path, csp)
        assert "unsafe-inline" not in csp and "unsafe-eval" not in csp, (path, csp)
    assert requests.get(live_server.base_url + "/js/app.js", timeout=10).headers["Content-Type"].startswith(
        ("application/javascript", "text/javascript"))

    parser = _Tags()
    parser.feed((PUBLIC / "index.html").read_text())
    assert parser.inline_script == [], f"inline script in index.html: {parser.inline_script}"
    for tag, attrs in parser.tags:
        assert tag != "style", "a <style> element in index.html"
        assert "style" not in attrs, f"inline style attribute on <{tag}>"
        assert not [a for a in attrs if a.startswith("on")], f"inline event handler on <{tag}>: {attrs}"
        if tag == "script":
            assert attrs.get("src"), "a <script> without src"

    # The pages build DOM from text only: no HTML strings, no eval.
    for js in sorted((PUBLIC / "js").rglob("*.js")):
        source = "\n".join(line for line in js.read_text().splitlines()
                           if not line.lstrip().startswith(("//", "*", "/*")))  # code, not comments
        for forbidden in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(", "new Function"):
            assert forbidden not in source, f"{js.relative_to(PUBLIC)} uses {forbidden}"
        assert ".setAttribute(\"style\"" not in source and "setAttribute('style'" not in source, js


def test_every_module_is_preloaded_so_there_is_no_waterfall():
    parser = _Tags()
    parser.feed((PUBLIC / "index.html").read_text())
    preloaded = {attrs["href"] for tag, attrs in parser.tags
                 if tag == "link" and attrs.get("rel") == "modulepreload"}
    needed = _modules_reachable_from(PUBLIC / "js" / "app.js")
    missing = sorted(needed - preloaded)
    assert not missing, f"modules imported by js/app.js without <link rel=modulepreload>: {missing}"
    stale = sorted(preloaded - needed)
    assert not stale, f"modulepreload links for modules nothing imports: {stale}"


def test_market_watch_sparklines_come_from_one_request(live_server, browser):
    b = browser()
    b.sign_up(live_server.base_url, unique_email("spark"))
    b.driver.refresh()  # a fresh page load, so the module's sparkline cache is empty and this visit must ask
    b.wait_market()
    b.wait(lambda d: b.count("tr.watch-row .spark-line[points*=',']") == 50, "a sparkline drawn on every row")

    # Every resource this page load fetched (modules, API calls), as the browser's own Performance API saw them.
    candles = b.js("""
        return performance.getEntriesByType('resource')
          .map((entry) => entry.name).filter((url) => url.includes('/candles'));""")
    assert len(candles) == 1, f"expected one candles request for the sparklines, got {len(candles)}: {candles}"
    url = urlsplit(candles[0])
    assert url.path == "/api/stocks/candles", candles[0]
    query = parse_qs(url.query)
    shown = set(b.js("return [...document.querySelectorAll('tr.watch-row')].map((row) => row.dataset.symbol)"))
    assert set(query["symbols"][0].split(",")) == shown, "the batch request did not name every stock on the page"
    assert query["interval"] == ["5m"], query


def test_first_screens_paint_fast_and_console_stays_clean(live_server, browser):
    b = browser()
    b.open(live_server.base_url, "/login")
    b.find('input[name="email"]')
    fcp = b.wait(lambda d: b.js("""
        const e = performance.getEntriesByName('first-contentful-paint')[0];
        return e ? e.startTime : null;"""), "the first contentful paint")
    assert fcp < 2500, f"first contentful paint of the login page took {fcp:.0f} ms"

    b.sign_up(live_server.base_url, unique_email("fast"))
    b.driver.refresh()  # a returning user: the market watch straight from a page load
    b.wait_market()
    ready = b.js("return performance.getEntriesByName('market-ready')[0].startTime")
    assert ready < 4000, f"the market watch took {ready:.0f} ms to show 50 stocks after the page load"

    # Every page once, with no console allowances at all (the fixture fails on any SEVERE entry), and every
    # control on it has an accessible name.
    for path in ("/stock/M%26M", "/rules", "/cart", "/orders", "/portfolio", "/notifications", "/account", "/"):
        b.go(path)
        b.wait(lambda d: b.count("main .loading:not([hidden])") == 0 and b.count("main > *") > 0, f"page {path} to load")
        unnamed = b.unnamed_controls()
        assert unnamed == [], f"{path}: controls without an accessible name: {unnamed}"
    b.go("/stock/M%26M")
    b.wait(lambda d: int(b.find(".chart-box").get_attribute("data-candles") or 0) > 0, "the M&M chart")
    assert b.text(".stock-head h1") == "M&M"
