"""What an alert says: one audit's outcome for one audience, as robot markdown or mail text.

    summary = alert_summary(listing, department=None, report_link="http://.../report.html")
    robot_markdown(summary, limit=4096)      # 企业微信 (4096 bytes), 钉钉
    mail_subject(summary), mail_text(summary)

Besides the audit's own problems, each imported outside list (市公开办, a vendor: reports/
listing.py `outside_lists`) is told by its counts per status and its rows whose 整改时限 has
passed or ends within the 预警 days, the most overdue first.

Built from the listing (reports/listing.py), whose strings are already masked; every string that
came from a crawled page (titles, columns, URLs) is neutralised here before it enters markdown:
markdown's control characters become their full-width forms, so a page title cannot make a link,
a heading or a `<font>` tag in the group chat, and a URL is percent-encoded where it could close
the link it sits in. A message longer than its channel allows drops whole item lines (the last
of the longest section first) and says how many are left out (见报告), rather than being cut
mid-line or refused.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote

from govaudit.core.outside_records import STATUS_NOTES
from govaudit.reports.labels import STATE_NAMES
from govaudit.reports.listing import OutsideDue, OutsideList, ReportData, Row

_MARKDOWN = str.maketrans(
    {
        "[": "［",
        "]": "］",
        "(": "（",
        ")": "）",
        "<": "＜",
        ">": "＞",
        "*": "＊",
        "_": "＿",
        "`": "｀",
        "#": "＃",
        "!": "！",
        "~": "～",
        "|": "｜",
        "\\": "＼",
        "\r": " ",
        "\n": " ",
        "\t": " ",
    }
)


def plain(text: str) -> str:
    """Untrusted text, inert in markdown: one line, no control characters of the syntax."""
    cleaned = "".join(c for c in str(text).translate(_MARKDOWN) if c.isprintable())
    return " ".join(cleaned.split())


def link_target(url: str) -> str:
    """A crawled URL fit to stand inside `(...)` of a markdown link, or "" if not http(s)."""
    if not url.startswith(("http://", "https://")):
        return ""
    return quote(url, safe=":/?&=%+,;@$.-_~")


@dataclass(frozen=True)
class AlertSummary:
    site: str
    as_of: str
    audit_id: int
    verdict: str
    complete: bool
    incomplete: tuple[str, ...]
    department: str | None  # None: the whole site
    counts: dict[str, int]  # new, open, reopened, fixed (of this audience's rows)
    total_open: int
    critical: tuple[Row, ...]  # every 严重 problem of the audience, in the listing's order
    warnings: tuple[str, ...]  # 预警 lines: scorecard items near their threshold, 预警 rows
    report_link: str  # report_url's report.html, or the report's path on this machine
    top: int = 5
    # Imported outside lists (市公开办, a vendor): each one's counts and its rows due.
    outside: tuple[OutsideList, ...] = ()


def alert_summary(
    data: ReportData, department: str | None, report_link: str, top: int = 5
) -> AlertSummary:
    """The outcome `department` (None: the whole site) hears of: only its own rows."""
    mine = [r for r in data.open_rows if department is None or r.department == department]
    problems = list(mine)
    fixed = [r for r in data.fixed_rows if department is None or r.department == department]
    counts = {state: sum(r.state == state for r in problems) for state in ("new", "open")}
    counts["reopened"] = sum(r.state == "reopened" for r in problems)
    counts["fixed"] = len(fixed)
    warnings = [plain(line) for line in data.warning_lines(mine, department is None)]
    return AlertSummary(
        site=data.site,
        as_of=data.as_of,
        audit_id=data.audit_id,
        verdict=data.verdict,
        complete=data.complete,
        incomplete=data.incomplete,
        department=department,
        counts=counts,
        total_open=len(problems),
        critical=tuple(r for r in problems if r.severity == "critical"),
        warnings=tuple(warnings),
        report_link=report_link,
        top=top,
        outside=tuple(data.outside_lists(department)),
    )


def headline(summary: AlertSummary) -> str:
    who = f"（{plain(summary.department)}）" if summary.department else ""
    return f"网站监测：{plain(summary.site)}{who} {summary.as_of}"


def _row_line(row: Row) -> str:
    column = f"［{plain(row.column)}］" if row.column else ""
    return f"{column}{plain(row.check_name)}：{plain(row.description)}"


def _counts_line(summary: AlertSummary) -> str:
    c = summary.counts
    return (
        f"待整改问题 {summary.total_open} 条：{STATE_NAMES['new']} {c['new']}，"
        f"{STATE_NAMES['open']} {c['open']}，{STATE_NAMES['reopened']} {c['reopened']}；"
        f"{STATE_NAMES['fixed']} {c['fixed']}"
    )


def _scope_line(summary: AlertSummary) -> str:
    if summary.complete:
        return "审计完整：已检查整个网站"
    return "审计不完整，结论仅适用于已检查的页面：" + "；".join(
        plain(r) for r in summary.incomplete
    )


_DUE_TEXT = 60  # characters of an outside row's description in an alert line


def _list_name(outside: OutsideList) -> str:
    return f"{plain(outside.source)}《{plain(outside.file)}》"


def _outside_counts(outside: OutsideList) -> str:
    shown = "，".join(f"{status} {n}" for status, n in outside.counts.items() if n)
    return f"{_list_name(outside)} {sum(outside.counts.values())} 条：{shown}"


def _due_words(due: OutsideDue) -> str:
    """What is left of its 整改时限, after its status: 仍存在；已超期 3 天，整改时限 2026-11-30."""
    status = "，".join(filter(None, (due.status.status, STATUS_NOTES.get(due.status.status))))
    deadline = f"整改时限 {due.status.row.deadline}"
    if due.days_left < 0:
        return f"{status}；已超期 {-due.days_left} 天，{deadline}"
    left = "今天到期" if due.days_left == 0 else f"{due.days_left} 天后到期"
    return f"{status}；{left}，{deadline}"


def _due_line(due: OutsideDue) -> str:
    row = due.status.row
    text = plain(row.description or row.kind)
    if len(text) > _DUE_TEXT:
        text = text[: _DUE_TEXT - 1] + "…"
    kind = f"{plain(row.kind)}：" if row.kind and row.description else ""
    return f"{kind}{text}（{_due_words(due)}）"


def robot_markdown(summary: AlertSummary, limit: int) -> str:
    """The robots' markdown, at most `limit` UTF-8 bytes. Item lines go one at a time from the
    longest of their sections (the critical problems, each outside list's rows due, the 预警),
    so that every section keeps its first, most urgent lines; the verdict, the counts, each
    outside list's counts and the report's place stay."""
    sections = [[_markdown_item(i, r) for i, r in enumerate(summary.critical[: summary.top], 1)]]
    sections += [
        [_markdown_due(i, d) for i, d in enumerate(o.due[: summary.top], 1)]
        for o in summary.outside
    ]
    sections.append([f"- {w}" for w in summary.warnings])
    kept = [len(lines) for lines in sections]
    while True:
        shown = [lines[:n] for lines, n in zip(sections, kept, strict=True)]
        text = _markdown(summary, shown[0], shown[1:-1], shown[-1])
        if len(text.encode("utf-8")) <= limit or not any(kept):
            break
        longest = max(range(len(kept)), key=lambda i: (kept[i], i))
        kept[longest] -= 1
    return text.encode("utf-8")[:limit].decode("utf-8", "ignore")


def _markdown_due(number: int, due: OutsideDue) -> str:
    target = link_target(due.status.row.url)
    where = f" [查看页面]({target})" if target else ""
    return f"{number}. {_due_line(due)}{where}"


def _more(shown: int, total: int, unit: str) -> list[str]:
    return [f"……另有 {total - shown} {unit}，见报告"] if shown < total else []


def _markdown_item(number: int, row: Row) -> str:
    target = link_target(row.page_url)
    where = f" [查看页面]({target})" if target else ""
    deadline = f"，整改时限 {row.deadline}" if row.deadline else ""
    return f"{number}. {_row_line(row)}（{row.state_label}{deadline}）{where}"


def _markdown(
    summary: AlertSummary, items: list[str], outside: list[list[str]], warnings: list[str]
) -> str:
    lines = [f"### {headline(summary)}", f"**总体结论：{summary.verdict}**", _scope_line(summary)]
    lines.append(_counts_line(summary))
    critical = len(summary.critical)
    if critical:
        lines.append(f"**严重问题 {critical} 条**")
        lines += items + _more(len(items), critical, "条")
    else:
        lines.append("严重问题：无")
    if summary.outside:
        lines.append(f"**外部清单 {len(summary.outside)} 份**")
    for listed, due in zip(summary.outside, outside, strict=True):
        lines.append(_outside_counts(listed))
        if listed.due:
            lines.append(f"整改时限已过或将到（{len(listed.due)} 条）：")
            lines += due + _more(len(due), len(listed.due), "条")
    if summary.warnings:
        lines.append(f"**预警 {len(summary.warnings)} 项**")
        lines += warnings + _more(len(warnings), len(summary.warnings), "项")
    target = link_target(summary.report_link)
    # A path of this machine (ours, not the site's) as code: its `_` and `*` are no markup.
    path = " ".join(summary.report_link.replace("`", "").split())
    lines.append(f"报告：[report.html]({target})" if target else f"报告位置：`{path}`")
    return "\n\n".join(lines)


def mail_subject(summary: AlertSummary) -> str:
    return f"【网站监测】{headline(summary)} 总体结论：{summary.verdict}"


def mail_text(summary: AlertSummary) -> str:
    """The mail's plain text: every 严重 problem with its address (mail has no size limit
    worth the name), then the 预警."""
    lines = [headline(summary), f"总体结论：{summary.verdict}", _scope_line(summary)]
    lines += [_counts_line(summary), ""]
    if summary.critical:
        lines.append(f"严重问题 {len(summary.critical)} 条：")
        for i, row in enumerate(summary.critical, 1):
            deadline = f"，整改时限 {row.deadline}" if row.deadline else ""
            lines.append(f"{i}. {_row_line(row)}（{row.state_label}{deadline}）")
            lines.append(f"   {link_target(row.page_url) or plain(row.page_url)}")
    else:
        lines.append("严重问题：无")
    for listed in summary.outside:
        lines += ["", f"外部清单 {_outside_counts(listed)}"]
        if listed.due:
            lines.append(f"整改时限已过或将到（{len(listed.due)} 条）：")
        for i, due in enumerate(listed.due, 1):
            lines.append(f"{i}. {_due_line(due)}")
            if due.status.row.url:
                lines.append(f"   {link_target(due.status.row.url) or plain(due.status.row.url)}")
    if summary.warnings:
        lines += ["", f"预警 {len(summary.warnings)} 项："]
        lines += [f"- {w}" for w in summary.warnings]
    lines += ["", f"报告：{summary.report_link}", "", f"（govaudit 审计 #{summary.audit_id}）"]
    return "\n".join(lines) + "\n"
