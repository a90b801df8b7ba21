"""`govaudit demo`: audit the bundled sample bureau site, served on 127.0.0.1, end to end.

Same code path as `govaudit audit` (run_audit with a site profile and a fixed --as-of), so what the
demo shows is what a real audit does; no network beyond loopback.
"""

from __future__ import annotations

import json
from pathlib import Path

from rich.console import Console

from govaudit.audit import writable_dir
from govaudit.core.config import load_config
from govaudit.sample_site import DEMO_AS_OF, build_site, serve

# Loopback needs no politeness; the 2 s timeout makes the sample's slow page (4 s) time out.
PROFILE = """# Site profile written by `govaudit demo` for the sample site on this run's port.
[site]
name = "临江市人力资源和社会保障局（示例站点）"
start_urls = ["{url}"]

[crawl]
concurrency = 8
download_delay = 0
timeout = 2
obey_robots = true
"""


# A fixed port when free, so that repeated demos keep the same URLs (and finding ids) in the store.
DEMO_PORT = 18573


def _serve(site):
    try:
        return serve(site, port=DEMO_PORT, closed_port=DEMO_PORT + 1)
    except OSError:  # taken: any free port will do
        return serve(site, closed_port=DEMO_PORT + 1)


def write_profile(path: Path, url: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(PROFILE.format(url=url), encoding="utf-8")
    return path


def run_demo(out: Path, console: Console, quiet: bool = False) -> int:
    """Build and serve the sample site, audit it as of DEMO_AS_OF into `out`, stop the server."""
    from govaudit.console import audit_with_progress, print_summary  # the same display as `audit`

    writable_dir(out)  # --out a file: one line, before the server starts
    site = build_site(DEMO_AS_OF)
    key_path = out / "sample-site-answer-key.json"
    key_path.write_text(
        json.dumps(site.answer_key(), ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
    )
    with _serve(site) as server:
        profile = write_profile(out / "sample-site.toml", server.url)
        if not quiet:
            console.print(
                f"示例站点（临江市人力资源和社会保障局，虚构）已在 {server.url} 启动；"
                f"审计基准日 --as-of {DEMO_AS_OF}"
            )
        config = load_config(profile, as_of=DEMO_AS_OF)
        result = audit_with_progress(config, out, out / "govaudit.db", console, quiet)
    if not quiet:
        print_summary(result, console)
        console.print(f"  → {profile}（站点配置，可照此编写真实站点的配置）")
        console.print(f"  → {key_path}（示例站点预埋问题的答案）")
        console.print(f"输出目录：{out.resolve()}")
    return result.exit_status()
