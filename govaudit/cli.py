"""Command line: `govaudit audit`, `govaudit demo` and friends. A thin layer over functions.

User errors (bad flags, bad profile, unreadable files) print one line `govaudit: ...` and exit 2;
tracebacks are reserved for bugs.
"""

from __future__ import annotations

import argparse
import gc
import re
import sys
from datetime import date
from pathlib import Path

from rich.console import Console

from govaudit.audit import (
    EXIT_CRAWL_FAILED,
    EXIT_USAGE,
    AuditFailed,
)
from govaudit.commands import UsageError
from govaudit.commands.audit import cmd_audit
from govaudit.commands.import_list import add_import_list_command, cmd_import_list
from govaudit.commands.report import add_evidence_command
from govaudit.console import print_sites_table
from govaudit.core.config import ConfigError
from govaudit.core.memory import collect_less
from govaudit.core.store import StoreError

# argparse's own messages, in the Chinese the users read (its usage line, section titles and
# -h are set in `_Parser`). Patterns, because the messages carry argument names and values.
_ARGPARSE_MESSAGES = (
    (r"the following arguments are required: (.*)", r"缺少必需的参数：\1"),
    (r"unrecognized arguments: (.*)", r"无法识别的参数：\1"),
    (r"argument (\S+): invalid choice: (.*) \(choose from (.*)\)", r"参数 \1：没有 \2（可选：\3）"),
    (r"argument (\S+): expected one argument", r"参数 \1 后面需要一个值"),
    (r"argument (\S+): ignored explicit argument (.*)", r"参数 \1 不带值，却给了 \2"),
    (r"argument (\S+): not allowed with argument (.*)", r"参数 \1 不能与 \2 同时使用"),
    (r"argument (\S+): invalid (\S+) value: (.*)", r"参数 \1：无效的值 \3"),
    (r"argument (\S+): (.*)", r"参数 \1：\2"),
    (r"ambiguous option: (\S+) could match (.*)", r"选项 \1 不明确，可能是：\2"),
)


def _in_chinese(message: str) -> str:
    for pattern, replacement in _ARGPARSE_MESSAGES:
        if re.fullmatch(pattern, message):
            return re.sub(pattern, replacement, message)
    return message


class _HelpFormatter(argparse.HelpFormatter):
    def add_usage(self, usage, actions, groups, prefix=None) -> None:  # noqa: ANN001
        super().add_usage(usage, actions, groups, prefix="用法：" if prefix is None else prefix)


class _Parser(argparse.ArgumentParser):
    """argparse speaking Chinese: usage, section titles, -h, and errors (one line, exit 2)."""

    def __init__(self, *args, **kwargs) -> None:  # noqa: ANN002, ANN003
        kwargs.setdefault("formatter_class", _HelpFormatter)
        kwargs["add_help"] = False
        super().__init__(*args, **kwargs)
        self._positionals.title = "位置参数"
        self._optionals.title = "选项"
        self.add_argument("-h", "--help", action="help", help="显示本帮助并退出")

    def error(self, message: str) -> None:  # one line, exit 2, as for config errors
        raise UsageError(_in_chinese(message))


def _as_of(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"应为日期 YYYY-MM-DD，而不是 {text!r}") from None


def _positive(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"应为正整数，而不是 {text!r}")
    return int(text)


class _Version(argparse.Action):
    """`--version`: the installed version, read only when asked (package metadata is slow)."""

    def __init__(self, option_strings: list[str], dest: str = argparse.SUPPRESS, **_: object):
        super().__init__(option_strings, dest, nargs=0, help="显示版本并退出")

    def __call__(self, parser, namespace, values, option_string=None) -> None:
        from govaudit import __version__

        print(f"govaudit {__version__}")
        parser.exit()


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="govaudit",
        description="政府网站监测：抓取站点、检查问题、生成整改问题清单。",
    )
    parser.add_argument("--version", action=_Version)
    sub = parser.add_subparsers(
        dest="command", metavar="COMMAND", parser_class=_Parser, title="命令"
    )

    audit = sub.add_parser("audit", help="抓取站点、运行全部检查，生成问题清单和报告")
    audit.add_argument("start_url", nargs="?", help="抓取起始地址（默认：配置文件中的 start_urls）")
    audit.add_argument("--out", required=True, type=Path, help="输出目录（findings.json 和各报告）")
    audit.add_argument("--config", type=Path, help="站点配置文件（TOML）")
    audit.add_argument("--as-of", type=_as_of, help="各项日期规则所用的“今天”（YYYY-MM-DD）")
    audit.add_argument("--wordlist", action="append", default=[], help="附加的 TSV 词表（可重复）")
    audit.add_argument("--max-pages", type=_positive, help="最多抓取的页面数")
    audit.add_argument("--concurrency", type=_positive, help="每个主机的并发请求数（默认 2）")
    audit.add_argument("--db", type=Path, help="SQLite 数据库（默认：OUT/govaudit.db）")
    audit.add_argument(
        "--quiet",
        action="store_true",
        help="不显示进度；每个阶段向日志文件写一行（供 cron、systemd、任务计划程序使用）",
    )
    audit.add_argument(
        "--log", type=Path, help="阶段日志文件（使用 --quiet 时默认 OUT/govaudit.log）"
    )
    audit.add_argument("--site", help="多站点配置：只审计该站点（输出在 OUT/SITE/）")
    audit.add_argument(
        "--jobs",
        type=_positive,
        default=1,
        help="多站点配置：同时审计的站点数，每站一个进程（默认 1）",
    )
    audit.add_argument(
        "--resume",
        action="store_true",
        help="继续该站点中断的审计（须用相同的 --out/--db）",
    )
    audit.add_argument(
        "--full",
        action="store_true",
        help="完整抓取每个页面（不向服务器发条件请求比对上次审计）",
    )
    audit.add_argument(
        "--fail-incomplete",
        action="store_true",
        help="审计未覆盖整个网站时（达到 max_pages、max_depth 或时间上限，或有页面被人机验证拦截）"
        "以退出码 6 结束：此时结论为 否决 或 无法判定",
    )
    audit.add_argument(
        "--no-alerts",
        action="store_true",
        help="审计后不发送告警（企业微信、钉钉、邮件：配置文件 [alerts]）",
    )
    audit.add_argument(
        "--no-screenshots",
        action="store_true",
        help="不为问题页面截图（默认：有浏览器时为每个有严重或重要问题的页面截图，"
        "至多 crawl.screenshot_max_pages 页）",
    )

    demo = sub.add_parser("demo", help="在 127.0.0.1 上审计自带的示例单位网站")
    demo.add_argument(
        "--out", type=Path, default=Path("govaudit-demo"), help="输出目录（默认 govaudit-demo）"
    )
    demo.add_argument("--quiet", action="store_true", help="不显示进度")
    _add_report_commands(sub)
    from govaudit.distributed.commands import add_commands  # rq is imported only when run

    add_commands(sub, _as_of, _positive)
    return parser


def _add_report_commands(sub: argparse._SubParsersAction) -> None:
    report = sub.add_parser(
        "report", help="重新生成已保存审计的 findings.json、整改清单.xlsx 和 report.html"
    )
    report.add_argument("--db", required=True, type=Path, help="保存历次审计的 SQLite 数据库")
    report.add_argument("--audit", type=_positive, help="审计编号（默认：最近一次）")
    report.add_argument(
        "--period",
        help="期间报告：汇总该期间的历次审计（2026-Q4 季度、2026-11 月份、2026 年度），"
        "生成 .docx 和 .xlsx；数据库中有多个站点时另生成跨站点汇总",
    )
    report.add_argument(
        "--profile",
        type=Path,
        help="与 --period 一起使用：只汇总该多站点配置中的站点（一张表、一个 .docx；"
        "本期没有审计的站点也列出）",
    )
    report.add_argument("--out", required=True, type=Path, help="输出目录")
    add_evidence_command(sub, _positive)
    audits = sub.add_parser("audits", help="列出数据库中保存的审计")
    audits.add_argument("--db", required=True, type=Path, help="SQLite 数据库")
    review = sub.add_parser("review", help="工作人员对问题的处理（整改状态、整改说明等）")
    review_sub = review.add_subparsers(
        dest="review_command", metavar="ACTION", parser_class=_Parser, title="操作"
    )
    imp = review_sub.add_parser(
        "import",
        help="把填好的整改清单.xlsx（整改状态、整改说明、责任科室、整改时限）导入数据库",
    )
    imp.add_argument("xlsx", type=Path, help="工作人员填好的整改清单.xlsx")
    imp.add_argument("--db", required=True, type=Path, help="该审计所在的 SQLite 数据库")
    add_import_list_command(sub)


def main(argv: list[str] | None = None) -> int:
    collect_less()
    console = Console(stderr=True)
    try:
        args = build_parser().parse_args(argv)
        if args.command == "audit":
            return cmd_audit(args, console)
        if args.command == "demo":
            from govaudit.commands.demo import run_demo

            return run_demo(args.out, console, quiet=args.quiet)
        if args.command == "import-list":
            return cmd_import_list(args, Console())
        if args.command in ("report", "audits", "review", "evidence"):
            from govaudit.commands.report import run_report_command

            return run_report_command(args, Console())
        if args.command in ("worker", "enqueue", "summary"):
            from govaudit.distributed.commands import run_command

            return run_command(args, print_sites_table)
        build_parser().print_help()
        return EXIT_USAGE
    except (UsageError, ConfigError, StoreError) as e:
        problems = getattr(e, "problems", None)  # a review import names every bad row
        if problems:
            print(f"govaudit: {e.headline}", file=sys.stderr)
            for problem in problems:
                print(f"govaudit:   {problem}", file=sys.stderr)
        else:
            print(f"govaudit: {e}", file=sys.stderr)
        return EXIT_USAGE
    except OSError as e:
        if e.filename is None:  # not about a file the user named: a bug, keep the traceback
            raise
        # --out a file, an unwritable directory, a full disk: what was stored is kept.
        print(f"govaudit: {e.filename}: {e.strerror}", file=sys.stderr)
        return EXIT_USAGE
    except AuditFailed as e:
        print(f"govaudit: {e}", file=sys.stderr)
        return EXIT_CRAWL_FAILED
    except KeyboardInterrupt:
        print("govaudit: 已中断；已抓取的内容保存在数据库中（可用 --resume 继续）", file=sys.stderr)
        return 130


def run() -> None:
    """The `govaudit` command. Its objects are left to the process's end: at exit CPython would
    collect the whole heap once more (0.25-0.4 s after a 2,000-page audit), to free memory the
    system takes back anyway. Not done in `main`, which tests call in their own process."""
    status = main()
    gc.freeze()
    sys.exit(status)


if __name__ == "__main__":
    run()
