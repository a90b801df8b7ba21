"""The evidence behind a finding: its page as the audit fetched it, the finding's place marked.

    govaudit evidence FINDING_ID --db FILE [--audit N] [--out FILE.html]

writes one self-contained HTML file: what the finding says (title, page, audit, history), then
the stored copy of its page (`page_copies`: masked, once per version) as source text. A crawled
page is hostile: it is shown escaped, never rendered, under a policy that runs and loads nothing.
Each occurrence of what the finding is about (`locators`: the term, the masked number, the link's
target as written) is marked, the first one at `#hit-1`, so the element is found at a glance.
The page's screenshot, when the audit took one (govaudit/screenshots.py), is written beside the
HTML file as 问题截图-<编号>.png and shown at its top; else the page says 无截图 and why.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from markupsafe import Markup, escape

from govaudit.core.masking import mask
from govaudit.core.model import Finding
from govaudit.core.store import Store
from govaudit.reports.labels import check_name

_POLICY = "default-src 'none'; style-src 'unsafe-inline'"
# With a screenshot: images from beside the page (the PNG written there), still no network.
_POLICY_WITH_SHOT = _POLICY + "; img-src 'self' file:"
_STYLE = (
    "body{font-family:'Noto Sans CJK SC',sans-serif;margin:16px}"
    "pre{white-space:pre-wrap;word-break:break-all;background:#f6f8fa;padding:12px;font-size:12px}"
    "mark{background:#ffd54f;outline:2px solid #e65100}dt{font-weight:bold}"
)


class EvidenceError(Exception):
    """No such finding, or no stored copy of its page: one line for the user."""


@dataclass(frozen=True)
class Evidence:
    audit_id: int
    as_of: str
    finding: Finding
    source: str  # the stored (masked) copy of the page
    marked: str  # the locator found in it, "" when none was
    # The page's screenshot (masked in the page before the shot), or b"" and why none; the
    # reason is "" too when the audit wanted no shot of the page (no 严重 or 重要 finding on it).
    screenshot: bytes = b""
    no_screenshot: str = ""


def locators(finding: Finding) -> list[str]:
    """What to look for in the page's source, most precise first: a broken link is written
    relative as often as absolute, so its path and its file name follow its URL."""
    d = finding.details
    found: list[str] = [str(d[k]) for k in ("term", "masked") if d.get(k)]
    for key in ("target_url", "attachment_url", "newest_item_url", "item_url"):
        url = d.get(key)
        if isinstance(url, str) and url:
            parts = urlsplit(url)
            path = parts.path + (f"?{parts.query}" if parts.query else "")
            found += [url, path, path.rsplit("/", 1)[-1]]
    found += [str(a) for a in d.get("anchors") or () if a]
    found += [str(d[k]) for k in ("document_number", "last_updated") if d.get(k)]
    return [text for text in dict.fromkeys(found) if len(text) >= 2]


def find_evidence(store: Store, finding_id: str, audit_id: int | None = None) -> Evidence:
    """The finding in `audit_id` (default: the latest audit that has it) and its page's copy."""
    found = store.finding(finding_id, audit_id)
    if found is None:
        where = f"审计 #{audit_id}" if audit_id is not None else store.path
        raise EvidenceError(f"问题编号 {finding_id}：{where} 中没有这个问题")
    audit_id, finding = found
    source = store.page_copy(audit_id, finding.page_url)
    if source is None:
        raise EvidenceError(
            f"问题 {finding_id}：审计 #{audit_id} 没有保存页面 {finding.page_url} 的存档"
        )
    marked = next((text for text in locators(finding) if text in source), "")
    digest, why = store.screenshots(audit_id).get(finding.page_url, (None, ""))
    png = (store.screenshot_png(digest) or b"") if digest else b""
    return Evidence(
        audit_id, store.audit(audit_id)["as_of"], finding, source, marked, png, mask(why)
    )


def marked_text(text: str, marked: str, ids: bool = True) -> Markup:
    """`text` escaped, each occurrence of `marked` in a <mark> (numbered `hit-N` with `ids`)."""
    if not marked:
        return escape(text)
    parts = text.split(marked)
    out = [escape(parts[0])]
    for n, part in enumerate(parts[1:], 1):
        tag = Markup('<mark id="hit-{0}">').format(n) if ids else Markup("<mark>")
        out += [tag, escape(marked), Markup("</mark>"), escape(part)]
    return Markup("").join(out)


def evidence_html(evidence: Evidence, screenshot_name: str = "") -> str:
    """The evidence page; `screenshot_name`: the PNG written beside it, shown and linked."""
    f, d = evidence.finding, evidence.finding.details
    facts: list[tuple[str, Any]] = [
        ("问题", mask(f.title)),
        ("问题类型", check_name(f.check)),
        ("页面地址", mask(f.page_url)),
        ("审计", f"#{evidence.audit_id}（{evidence.as_of}）"),
        ("首次发现", d.get("first_seen", "")),
        ("最近发现", d.get("last_seen", "")),
        ("确认", d.get("confirmation", "")),
        ("定位", mask(evidence.marked) or "未在页面源码中找到问题所在位置，请查看全文"),
        (
            "截图",
            screenshot_name
            or (f"无截图：{evidence.no_screenshot}" if evidence.no_screenshot else ""),
        ),
    ]
    rows = Markup("").join(
        Markup("<dt>{0}</dt><dd>{1}</dd>").format(k, v) for k, v in facts if v not in ("", None)
    )
    shot = (
        Markup(
            '<p><a href="{0}"><img src="{0}" alt="页面截图" style="max-width:100%;'
            'border:1px solid #ccc"></a></p>'
        ).format(screenshot_name)
        if screenshot_name
        else ""
    )
    hits = evidence.source.count(evidence.marked) if evidence.marked else 0
    jump = Markup('（<a href="#hit-1">跳到第 1 处</a>，共 {0} 处）').format(hits) if hits else ""
    return str(
        Markup(
            '<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">'
            '<meta http-equiv="Content-Security-Policy" content="{0}">'
            "<title>问题存档 {1}</title><style>{2}</style></head><body>"
            "<h1>问题存档</h1><dl>{3}</dl>{6}"
            "<h2>审计时抓取的页面源码（个人号码已脱敏；仅显示，不执行）{4}</h2>"
            "<pre>{5}</pre></body></html>\n"
        ).format(
            _POLICY_WITH_SHOT if screenshot_name else _POLICY,
            f.id,
            Markup(_STYLE),
            rows,
            jump,
            marked_text(evidence.source, evidence.marked),
            shot,
        )
    )
