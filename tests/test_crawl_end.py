"""What the crawl leaves behind in its process for the checks and reports that follow.

Scrapy's engine outlives the crawl (the reactor keeps a pending call of it), and the spider with
it; Scrapy also leaves its own SIGINT/SIGTERM handlers installed, which would send a Ctrl-C during
the checks to a reactor that no longer runs. A real crawl of a site on 127.0.0.1, in a subprocess
(the reactor cannot restart), then the process is inspected and interrupted."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from site_server import Reply, SiteServer

AFTER_THE_CRAWL = """
import gc, json, os, signal, sys, time
from govaudit.core.config import load_config
from govaudit.core.store import Store
from govaudit.crawler.run import crawl
from govaudit.crawler.spider import SiteSpider

kept = []  # the spider, held here as Scrapy's engine holds it after the crawl
closed = SiteSpider.closed
SiteSpider.closed = lambda spider, reason: (kept.append(spider), closed(spider, reason))
config = load_config(sys.argv[1], start_url=sys.argv[2])
store = Store(sys.argv[3])
audit = store.start_audit(config.site_name, config.start_urls[0], config.as_of, config.as_dict())
counters = crawl(config, store, audit)
state = [len(s.known) + len(s.routed) + len(s.recorded) + len(s.outcome) for s in kept]
try:
    os.kill(os.getpid(), signal.SIGINT)
    time.sleep(2)
    interrupted = False
except KeyboardInterrupt:
    interrupted = True
print(json.dumps({"targets": counters["targets"], "state": state, "interrupted": interrupted}))
"""


def test_the_crawl_leaves_no_targets_behind_and_ctrl_c_works_again(tmp_path):
    links = "".join(f'<a href="/p{i}.html">第{i}页</a>' for i in range(5))
    routes = {"/": Reply(f"<html><title>首页</title><body>{links}</body></html>")}
    for i in range(5):
        routes[f"/p{i}.html"] = Reply(f"<html><title>第{i}页</title><body>正文</body></html>")
    profile = tmp_path / "site.toml"
    profile.write_text(
        '[site]\nname = "测试"\n[crawl]\ndownload_delay = 0.0\nobey_robots = false\n',
        encoding="utf-8",
    )
    with SiteServer(routes) as site:
        done = subprocess.run(
            [sys.executable, "-c", AFTER_THE_CRAWL, str(profile), site.url + "/"]
            + [str(tmp_path / "audit.db")],
            capture_output=True,
            text=True,
            timeout=90,
            cwd=Path(__file__).resolve().parents[1],
        )
    assert done.returncode == 0, done.stderr[-2000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["targets"] == 6  # the home page and its five pages, counted before forgetting
    assert result["state"] == [0]
    assert result["interrupted"]
