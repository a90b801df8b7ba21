"""Alerts at the end of a real audit (`govaudit audit` in a child process, a site on 127.0.0.1):
the robot hears of it, a channel that cannot be reached is one line on the console and in the
log and the exit status stays 0; `--no-alerts` sends nothing; a bad `[alerts]` stops the audit
before the crawl with one line, exit 2."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from alert_receivers import RobotReceiver, free_port
from site_server import Reply, SiteServer

from govaudit.cli import main

ROOT = Path(__file__).resolve().parents[1]
HOME = (
    "<html><head><title>测试局</title></head><body>"
    '<a href="/missing.html">通知公告</a><a href="/news/">新闻动态</a></body></html>'
)
NEWS = '<html><body><ul><li><a href="/news/1.html">第1条</a><span>2024-01-02</span></li></ul>'


def profile(tmp_path: Path, alerts: str) -> Path:
    path = tmp_path / "site.toml"
    path.write_text(
        '[site]\nname = "测试局"\n[crawl]\nretries = 0\ntimeout = 3.0\ndownload_delay = 0.0\n'
        f'obey_robots = false\n[report]\nbureau = "测试市政务公开办"\n{alerts}',
        encoding="utf-8",
    )
    return path


def audit(url: str, out: Path, config: Path, *flags: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "govaudit.cli", "audit", url, "--out", str(out)]
        + ["--config", str(config), "--as-of", "2024-03-01", "--quiet", *flags],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
    )


def site() -> SiteServer:
    return SiteServer({"/": Reply(HOME), "/news/": Reply(NEWS), "/news/1.html": Reply("<p>x</p>")})


def test_the_audit_alerts_and_a_dead_channel_does_not_fail_it(tmp_path):
    dead = f"http://127.0.0.1:{free_port()}/robot/send?access_token=TOKEN"
    with site() as web, RobotReceiver() as robot:
        alerts = f'[alerts]\nwecom_webhook = "{robot.webhook()}"\ndingtalk_webhook = "{dead}"\n'
        result = audit(web.url + "/", tmp_path / "out", profile(tmp_path, alerts))
    assert result.returncode == 0, result.stderr
    err = result.stderr.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("govaudit: 告警未发送：钉钉 127.0.0.1:"), err
    assert "无法连接" in err[0] and "TOKEN" not in result.stderr
    log = (tmp_path / "out" / "govaudit.log").read_text(encoding="utf-8")
    assert "告警已发送：企业微信" in log and err[0].removeprefix("govaudit: ") in log
    (request,) = robot.requests
    content = request["json"]["markdown"]["content"]
    assert "测试局" in content and "链接不可用" in content
    assert (tmp_path / "out" / "整改通知书.docx").exists()


def test_no_alerts_sends_nothing(tmp_path):
    with site() as web, RobotReceiver() as robot:
        alerts = f'[alerts]\nwecom_webhook = "{robot.webhook()}"\n'
        result = audit(web.url + "/", tmp_path / "out", profile(tmp_path, alerts), "--no-alerts")
        assert robot.requests == []
    assert result.returncode == 0 and result.stderr == ""


def test_bad_alert_settings_stop_the_audit_before_the_crawl(tmp_path, capsys):
    config = profile(tmp_path, '[alerts.email]\nhost = "smtp"\nfrom = "a@b.cn"\npassword = "x"\n')
    argv = ["audit", "http://127.0.0.1:9/", "--out", str(tmp_path / "out"), "--quiet"]
    assert main([*argv, "--config", str(config)]) == 2
    assert not (tmp_path / "out").exists()
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [
        "govaudit: alerts.email.password 不能写在配置文件中："
        "请用 password_env 指定保存密码的环境变量名"
    ]
