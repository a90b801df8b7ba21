"""Multi-site profiles (`load_sites`, `--site`, `--jobs`) and the exit statuses schedulers read.

The profile rules are tested offline; one multi-site run of four small sites on 127.0.0.1 (two
healthy, one on a closed port, one whose robots.txt forbids everything) proves the processes,
the output folders, the shared store, the cross-site table and the exit statuses.
"""

from __future__ import annotations

import json
import socket
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from site_server import Reply, SiteServer

from govaudit.cli import main
from govaudit.core.config import ConfigError, load_config, load_sites

AS_OF = "2024-06-01"

PROFILE = """
[defaults.crawl]
concurrency = 4
download_delay = 0
timeout = 2
retries = 0

[defaults.checks.stale_column]
thresholds = {{ "动态要闻" = 30 }}

[defaults.report]
default_department = "办公室"

[sites.{a}.site]
name = "甲局"
start_urls = ["{url_a}"]
[sites.{a}.crawl]
max_pages = 50

[sites.{b}.site]
start_urls = ["{url_b}"]
[sites.{b}.checks.stale_column]
thresholds = {{ "其他" = 400 }}
[sites.{b}.report]
departments = [{{ prefix = "{url_b}news/", department = "宣传科" }}]
"""


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def two_sites(tmp_path: Path, extra: str = "", a: str = "portal", b: str = "rsj") -> Path:
    text = PROFILE.format(a=a, b=b, url_a="http://127.0.0.1:1/", url_b="http://127.0.0.1:2/")
    return write(tmp_path / "sites.toml", text + extra)


def error_of(path: Path) -> str:
    with pytest.raises(ConfigError) as caught:
        load_sites(path)
    return str(caught.value)


def test_sites_merge_over_defaults(tmp_path):
    sites = load_sites(two_sites(tmp_path))
    assert list(sites) == ["portal", "rsj"]
    portal, rsj = sites["portal"].config(), sites["rsj"].config()
    assert (portal.site_name, rsj.site_name) == ("甲局", "rsj")  # the key when unnamed
    assert (portal.concurrency, portal.max_pages, rsj.max_pages) == (4, 50, 20000)
    assert portal.report == {"default_department": "办公室"}
    # Tables merge key by key; a list replaces the default's.
    assert rsj.checks["stale_column"]["thresholds"] == {"动态要闻": 30, "其他": 400}
    assert rsj.report["default_department"] == "办公室"
    assert rsj.report["departments"][0]["department"] == "宣传科"
    # Flags apply on top, as for a single-site profile.
    assert sites["rsj"].config(max_pages=7).max_pages == 7


def test_site_mistakes_name_the_key_where_it_was_written(tmp_path):
    text = two_sites(tmp_path).read_text(encoding="utf-8")
    path = write(tmp_path / "p.toml", text.replace("max_pages = 50", "max_pages = 0"))
    assert error_of(path) == "sites.portal.crawl.max_pages 应为正整数"
    path = write(
        tmp_path / "d.toml", two_sites(tmp_path).read_text().replace("timeout = 2", 'timeout = "x"')
    )
    assert error_of(path) == "defaults.crawl.timeout 应为数字"
    path = two_sites(tmp_path, '\n[sites."bad key".site]\nstart_urls = ["http://x.cn/"]\n')
    assert error_of(path).startswith("sites.bad key：站点键只能由字母、数字")
    path = write(tmp_path / "e.toml", "[crawl]\ntimeout = 2\n" + two_sites(tmp_path).read_text())
    assert error_of(path).startswith("[crawl] 不能与多站点配置的 [sites] 并列")
    path = two_sites(tmp_path, '\n[sites.third.site]\nname = "丙"\n')
    assert error_of(path).startswith("sites.third.site.start_urls 缺失")
    path = two_sites(tmp_path, "\n[sites.third.scope]\nx = 1\n")
    assert error_of(path).startswith("sites.third.scope 不是可用的表")


def test_multi_site_profile_needs_site_and_single_profiles_refuse_site(tmp_path, capsys):
    path = two_sites(tmp_path)
    with pytest.raises(ConfigError, match="是多站点配置：请用 --site 选择站点"):
        load_config(path)
    out = tmp_path / "out"
    assert main(["audit", "--config", str(path), "--site", "nope", "--out", str(out)]) == 2
    assert "没有站点 'nope'" in capsys.readouterr().err
    bad_check = two_sites(tmp_path, "\n[sites.rsj.checks.broken_link]\nnope = 1\n")
    bad_check = write(
        bad_check,
        bad_check.read_text().replace(
            "[sites.rsj.checks.stale_column]", "[sites.rsj.checks.stale_column]\nfoo = 1"
        ),
    )
    assert main(["audit", "--config", str(bad_check), "--out", str(out)]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("govaudit: sites.rsj.checks.") and "不是可用的设置" in err
    single = write(tmp_path / "one.toml", '[site]\nstart_urls = ["http://127.0.0.1:1/"]\n')
    assert main(["audit", "--config", str(single), "--site", "a", "--out", str(out)]) == 2
    assert "--site 需要多站点配置" in capsys.readouterr().err
    assert not out.exists()  # nothing was crawled or written


def _html(title: str, body: str) -> str:
    return f"<html><head><title>{title}</title></head><body>{body}</body></html>"


def small_site(name: str) -> dict[str, Reply]:
    home = _html(
        name,
        """<ul class="list"><li><a href="/news/t20240520_1.html">会议</a><span>2024-05-20</span></li>
        <li><a href="/news/t20240510_2.html">通知</a><span>2024-05-10</span></li></ul>
        <a href="/missing.html">不存在</a>""",
    )
    page = _html("会议", "<p>发布日期：2024-05-20</p><p>市政府召开会议。</p>")
    return {
        "/": Reply(home),
        "/news/t20240520_1.html": Reply(page),
        "/news/t20240510_2.html": Reply(page.replace("05-20", "05-10")),
    }


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_every_site_in_its_own_process_folder_and_table(tmp_path):
    blocked = {
        "/robots.txt": Reply("User-agent: *\nDisallow: /\n", content_type="text/plain"),
        "/": Reply(_html("禁止", "<p>内部</p>")),
    }
    with SiteServer(small_site("甲")) as a, SiteServer(small_site("乙")) as b:
        with SiteServer(blocked) as c:
            text = PROFILE.format(a="portal", b="rsj", url_a=a.url + "/", url_b=b.url + "/")
            text += f'\n[sites.down.site]\nstart_urls = ["http://127.0.0.1:{closed_port()}/"]\n'
            text += f'\n[sites.blocked.site]\nstart_urls = ["{c.url}/"]\n'
            profile = write(tmp_path / "sites.toml", text)
            out = tmp_path / "out"
            done = subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "govaudit.cli",
                    "audit",
                    "--config",
                    str(profile),
                    "--out",
                    str(out),
                    "--jobs",
                    "2",
                    "--as-of",
                    AS_OF,
                    "--log",
                    str(tmp_path / "sites.log"),
                ],
                capture_output=True,
                text=True,
                timeout=120,
            )
            # One site is only in part a user's: --site with --quiet writes nothing but the log.
            quiet = subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "govaudit.cli",
                    "audit",
                    "--config",
                    str(profile),
                    "--site",
                    "rsj",
                    "--out",
                    str(out),
                    "--as-of",
                    AS_OF,
                    "--quiet",
                ],
                capture_output=True,
                text=True,
                timeout=60,
            )
    # Unreachable sites make the run's status 3; the others are audited all the same.
    assert done.returncode == 3, done.stderr
    assert "govaudit: [down] 无法访问 http://127.0.0.1:" in done.stderr
    assert "govaudit: [blocked] robots.txt 禁止抓取" in done.stderr
    for key in ("portal", "rsj", "down", "blocked"):
        assert (out / key / "findings.json").exists()
        assert (out / key / "govaudit.log").exists()
    summaries = {
        key: json.loads((out / key / "summary.json").read_text(encoding="utf-8"))
        for key in ("portal", "rsj", "down", "blocked")
    }
    assert {k: s["exit_status"] for k, s in summaries.items()} == {
        "portal": 0,
        "rsj": 0,
        "down": 3,
        "blocked": 3,
    }
    assert summaries["portal"]["pages"] == 4 and summaries["portal"]["findings"]["major"] >= 1
    assert summaries["portal"]["open_findings"] == summaries["portal"]["findings"]  # no reviews
    with sqlite3.connect(out / "govaudit.db") as conn:  # one shared store
        audits = conn.execute("SELECT site, status FROM audits ORDER BY site, id").fetchall()
    assert audits == [
        ("blocked", "failed"),
        ("down", "failed"),
        ("rsj", "finished"),
        ("rsj", "finished"),
        ("甲局", "finished"),
    ]
    # The cross-site table: a row per site with pages, findings by severity, veto, exit status.
    for header in ("站点", "页面", "严重", "一般", "提示", "单项否决", "退出状态"):
        assert header in done.stdout
    assert all(key in done.stdout for key in ("portal", "rsj", "down", "blocked"))
    log = (tmp_path / "sites.log").read_text(encoding="utf-8").splitlines()
    started = [i for i, line in enumerate(log) if line.endswith(" 开始审计")]
    ended = [i for i, line in enumerate(log) if " 退出码 " in line]
    assert len(started) == 4 and started[1] < ended[0]  # --jobs 2: two sites at once
    assert any("portal | 4 |" in line for line in log)
    # --quiet: no progress bar, no table; one line per phase and a summary in OUT/rsj's log.
    assert quiet.returncode == 0 and quiet.stdout == "" and quiet.stderr == ""
    phases = (out / "rsj" / "govaudit.log").read_text(encoding="utf-8").splitlines()[-5:]
    assert [line.split("]: ")[1].split("：")[0] for line in phases] == [
        "抓取",
        "抓取完成",
        "检查完成",
        "报告已生成",
        "汇总",
    ]
    assert "对照审计 #" in phases[0]  # the second audit of rsj is incremental


def test_readme_multi_site_example_is_valid(tmp_path):
    """The README's multi-site profile must stay loadable as the config keys evolve."""
    from govaudit.multisite import validate_sites

    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    blocks = [b for b in readme.split("```toml\n")[1:] if "[sites." in b.split("```")[0]]
    (tmp_path / "wordlists").mkdir()
    (tmp_path / "wordlists" / "xxgk.tsv").write_text("一愁莫展\ttypo\t一筹莫展\n", encoding="utf-8")
    path = write(tmp_path / "sites.toml", blocks[0].split("```")[0])
    sites = load_sites(path)
    validate_sites(sites)
    assert list(sites) == ["rsj", "rsj-xxgk"]
    xxgk = sites["rsj-xxgk"].config()
    assert xxgk.checks["stale_column"]["thresholds"] == {
        "动态要闻": 14,
        "通知公告政策文件": 180,
        "其他": 180,
    }
    assert xxgk.concurrency == 2 and xxgk.include == ("/xxgk/",)


def test_the_sites_table_counts_what_the_reports_list_after_reviews():
    from govaudit.multisite import SiteRun, summary_rows

    reviewed = {
        "pages": 12,
        "findings": {"critical": 3, "major": 5, "minor": 1},  # every finding of the audit
        "open_findings": {"critical": 2, "major": 5, "minor": 0},  # after 误报 were marked
        "veto": "合格",
        "scorecard": [],
    }
    older = {**reviewed}
    del older["open_findings"]  # a summary.json written before the field existed
    rows = summary_rows([SiteRun("rsj", 0, 1.0, reviewed, ""), SiteRun("old", 0, 1.0, older, "")])
    assert rows[0] == ["rsj", "12", "2", "5", "0", "合格", "0"]
    assert rows[1] == ["old", "12", "3", "5", "1", "合格", "0"]
