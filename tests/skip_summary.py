"""A pytest plugin (loaded by tests/conftest.py): at the end of a run, the skipped tests grouped
by reason, each with what would make them run. pytest's `-ra` lists them one per line among
everything else; a person running `make test` for the first time should see at once that, say,
the Redis tests did not run and that `apt-get install redis-server` is the cure.
"""

from __future__ import annotations

from collections import Counter

# (words in a skip reason, what makes the tests run); the first match wins.
HINTS = (
    ("redis", "安装 redis-server（Debian：apt-get install redis-server；.ci/run 会自动安装）"),
    ("chromium", "安装 chromium 和 fonts-noto-cjk（apt-get install chromium fonts-noto-cjk）"),
    ("playwright", "安装测试依赖：.venv/bin/pip install -e '.[test]'"),
    ("[distributed]", "安装测试依赖：.venv/bin/pip install -e '.[test]'"),
    ("root writes anywhere", "以 root 运行时无法测试“目录不可写”，用普通用户运行即可"),
    ("systemd-analyze", "需要 systemd（Debian：apt-get install systemd）"),
    ("flock", "需要 util-linux 的 flock"),
    ("ipv6", "本机没有 IPv6 回环地址，无需处理"),
)


def hint_for(reason: str) -> str:
    lowered = reason.lower()
    return next((hint for words, hint in HINTS if words.lower() in lowered), "")


def skip_reason(report) -> str:  # noqa: ANN001 (a pytest TestReport)
    longrepr = report.longrepr
    if isinstance(longrepr, tuple) and len(longrepr) == 3:
        return str(longrepr[2]).removeprefix("Skipped: ")
    return str(longrepr)


def pytest_terminal_summary(terminalreporter, exitstatus, config) -> None:  # noqa: ANN001, ARG001
    skipped = terminalreporter.stats.get("skipped", [])
    reasons = Counter(skip_reason(r) for r in skipped)
    if not reasons:
        terminalreporter.write_sep("=", "没有跳过任何测试")
        return
    terminalreporter.write_sep("=", f"跳过了 {len(skipped)} 项测试，原因如下")
    for reason, count in reasons.most_common():
        terminalreporter.write_line(f"{count} 项：{reason}")
        hint = hint_for(reason)
        if hint:
            terminalreporter.write_line(f"    → {hint}")
