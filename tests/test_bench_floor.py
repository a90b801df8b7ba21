"""The benchmark's `scrapy-floor` spider checks the whole generated site: it finds exactly the
planted broken links, so its time is that of the same crawl as govaudit's, minus an audit's work."""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from alert_receivers import free_port

# benchmarks/ is not an installed package (it is not part of govaudit): import it from the checkout.
REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
from benchmarks.crawl import Server, floor_broken, normalise  # noqa: E402
from benchmarks.sitegen import generate_site  # noqa: E402


@pytest.mark.parametrize("options", [[], ["--trimmed"]])
def test_the_floor_finds_exactly_the_planted_broken_links(options: list[str]) -> None:
    # Not in pytest's tmp_path: nginx's workers run as `nobody`, and its parents are 0700.
    with tempfile.TemporaryDirectory(prefix="govaudit-floor-") as work:
        _check_the_floor(Path(work), options)


def _check_the_floor(work: Path, options: list[str]) -> None:
    port = free_port()
    work.chmod(0o755)
    base = f"http://127.0.0.1:{port}"
    manifest = generate_site(work / "site", 300, 2, base, f"http://localhost:{port}")
    server = Server(work / "site", work / "server", port, 1)
    server.start()
    try:
        out = work / "floor.out"
        with out.open("w") as stdout:
            done = subprocess.run(
                [sys.executable, "-m", "benchmarks.scrapy_floor", base + "/", *options],
                stdout=stdout,
                stderr=subprocess.PIPE,
                text=True,
                timeout=180,
                cwd=REPO,
            )
        requests = server.requests_since(0)
    finally:
        server.stop()
    assert done.returncode == 0, done.stderr[-2000:]
    assert floor_broken(out) == {normalise(p.url) for p in manifest.planted}
    assert requests["pages_fetched"] == manifest.pages + 1  # every page, and the homepage's /
