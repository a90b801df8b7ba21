"""The benchmark's generated site: exact size, deterministic, and an answer key that is true.

The crawl benchmark scores every tool against the planted broken links, so the key must list
exactly the link targets that do not exist on disk, and nothing else may be broken.
"""

from __future__ import annotations

import hashlib
import re
import sys
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest

# benchmarks/ is not an installed package (it is not part of govaudit): import it from the checkout.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from benchmarks.crawl import (  # noqa: E402
    linkchecker_broken,
    linkinator_broken,
    normalise,
    summarise_collapsed,
)
from benchmarks.sitegen import generate_site  # noqa: E402

BASE = "http://127.0.0.1:18091"
EXT = "http://localhost:18091"
_LINK = re.compile(rb'(?:href|src)="([^"]+)"')


def _digest(root: Path) -> str:
    h = hashlib.sha256()
    for path in sorted(root.rglob("*")):
        if path.is_file():
            h.update(str(path.relative_to(root)).encode() + path.read_bytes())
            h.update(str(path.stat().st_mtime).encode())
    return h.hexdigest()


@pytest.mark.parametrize("pages", [60, 61, 437])
def test_exact_page_count(tmp_path: Path, pages: int) -> None:
    manifest = generate_site(tmp_path / "site", pages, seed=3, base_url=BASE, external_base=EXT)
    html = [p for p in (tmp_path / "site").rglob("*.html") if "ext" not in p.parts]
    assert manifest.pages == len(html) == pages


def test_same_seed_same_bytes_and_mtimes(tmp_path: Path) -> None:
    a = generate_site(tmp_path / "a", 300, seed=7, base_url=BASE, external_base=EXT)
    b = generate_site(tmp_path / "b", 300, seed=7, base_url=BASE, external_base=EXT)
    assert _digest(tmp_path / "a") == _digest(tmp_path / "b")
    assert [p.url for p in a.planted] == [p.url for p in b.planted]
    generate_site(tmp_path / "c", 300, seed=8, base_url=BASE, external_base=EXT)
    assert _digest(tmp_path / "c") != _digest(tmp_path / "a")


def test_answer_key_is_exactly_the_missing_targets(tmp_path: Path) -> None:
    root = tmp_path / "site"
    manifest = generate_site(root, 500, seed=1, base_url=BASE, external_base=EXT)
    missing: dict[str, int] = {}
    mtimes = set()
    for page in root.rglob("*.html"):
        mtimes.add(page.stat().st_mtime)
        rel = "/" + str(page.relative_to(root))
        url = BASE + ("/" if rel == "/index.html" else rel)
        for raw in _LINK.findall(page.read_bytes()):
            target = urljoin(url, raw.decode("ascii"))
            parts = urlsplit(target)
            path = root / parts.path.lstrip("/")
            if parts.path.endswith("/"):
                path = path / "index.html"
            if not path.is_file():
                missing[normalise(target)] = missing.get(normalise(target), 0) + 1
    planted = {normalise(p.url): p.sources for p in manifest.planted}
    # Broken links appear only on HTML pages of the site itself (not on the external page).
    assert set(missing) == set(planted)
    kinds = {p.kind for p in manifest.planted}
    assert kinds == {
        "internal_404",
        "missing_image",
        "missing_attachment",
        "boilerplate_404",
        "external_404",
    }
    # The footer's dead link is on every page of the site.
    assert planted[normalise(BASE + "/sitemap.html")] == manifest.pages
    assert len(mtimes) == len(list(root.rglob("*.html")))  # no two files share an ETag


def test_gbk_column_declares_gb2312(tmp_path: Path) -> None:
    root = tmp_path / "site"
    generate_site(root, 200, seed=1, base_url=BASE, external_base=EXT)
    page = next((root / "col" / "tzgg").rglob("t*.html"))
    data = page.read_bytes()
    assert b"charset=gb2312" in data
    assert "发布时间：" in data.decode("gbk")
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")


def test_peer_output_parsers(tmp_path: Path) -> None:
    lc = tmp_path / "lc.csv"
    lc.write_text(
        "# created by LinkChecker\n"
        "urlname;parentname;base;result;warningstring;infostring;valid;url;line;column;name\n"
        "/a.html;http://127.0.0.1:1/;;404 Not Found;;;False;http://127.0.0.1:1/a.html;1;1;x\n"
        "/b.html;http://127.0.0.1:1/;;200 OK;;;True;http://127.0.0.1:1/b.html;1;1;y\n",
        encoding="utf-8",
    )
    assert linkchecker_broken(lc) == {"http://127.0.0.1:1/a.html"}
    ln = tmp_path / "ln.json"
    ln.write_text(
        '{"passed": false, "links": ['
        '{"url": "http://127.0.0.1:1/a.png#x", "status": 404, "state": "BROKEN"},'
        '{"url": "http://127.0.0.1:1/", "status": 200, "state": "OK"}]}'
    )
    assert linkinator_broken(ln) == {"http://127.0.0.1:1/a.png"}


def test_profile_summary_by_phase(tmp_path: Path) -> None:
    raw = tmp_path / "p.collapsed"
    raw.write_text(
        "main (govaudit/cli.py:1);crawl (crawler/run.py:9);_run_once (asyncio/base_events.py:5) 4\n"
        "main (govaudit/cli.py:1);crawl (crawler/run.py:9);get (scrapy/http/headers.py:9) 2\n"
        "main (govaudit/cli.py:1);crawl (crawler/run.py:9);extract (crawler/extract.py:3) 3\n"
        "main (govaudit/cli.py:1);run_checks (govaudit/audit.py:4);run (checks/overdue.py:8) 1\n"
    )
    summary = summarise_collapsed(raw)
    phases = dict(summary["phases"])
    assert summary["samples"] == 10
    assert phases["crawl: event loop and the rest"] == 40.0
    assert phases["crawl: Scrapy (engine, middlewares, signals)"] == 20.0
    assert phases["extract (crawler/extract.py)"] == 30.0
    assert dict(summary["checks"]) == {"checks/overdue": 10.0}
