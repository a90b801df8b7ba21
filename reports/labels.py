"""What staff read: the Chinese name of each check and a one-cell account of a finding's details.

New checks render without an edit here: an unknown check shows its own name and its contract
fields as `key: value` lines (the generic details), so nothing a check reports is hidden.
"""

from __future__ import annotations

from typing import Any

from govaudit.core.model import Finding
from govaudit.core.vocabulary import ERROR_NAMES
from govaudit.wordlists import entry_source

CHECK_NAMES = {
    "broken_link": "链接不可用",
    "missing_anchor": "锚点不存在",
    "stale_column": "栏目未按时更新",
    "empty_column": "空白栏目",
    "undecidable_column": "栏目无法判定",
    "undated_item": "信息未注明日期",
    "date_mismatch": "发布日期不一致",
    "wrong_word": "错别字/不规范表述",
    "sensitive_word": "敏感词",
    "suspected_typo": "疑似错别字",
    "privacy_leak": "个人信息泄露",
    "overdue_publication": "信息公开超期",
    "annual_report_incomplete": "年度报告不完整",
    "publication_date_missing": "缺少发布日期",
    "publication_date_invalid": "发布日期错误",
    "unreadable_attachment": "附件无法读取",
    "unanswered_message": "留言超期未答复",
    "late_reply": "留言答复超期",
}

SEVERITY_NAMES = {"critical": "严重", "major": "一般", "minor": "提示"}

# Where a problem stands against the previous audit (reports/history.py's states, and `fixed`).
STATE_NAMES = {"new": "新发现", "open": "持续存在", "reopened": "重新出现", "fixed": "已整改"}

# The store keeps an audit's state in English (other tools read it); people read these.
AUDIT_STATES = {
    "running": "进行中",
    "finished": "已完成",
    "interrupted": "已中断（可用 --resume 继续）",
    "failed": "失败（起始地址无法访问）",
}

PRIVACY_KINDS = {"id_card": "身份证号", "mobile": "手机号码", "bank_card": "银行卡号"}

_ATTACHMENT_REASONS = {
    "encrypted": "文件已加密",
    "corrupt": "文件已损坏或格式不符",
    "scanned": "扫描件（无文字层）",
    "unsupported": "格式暂不支持",
    "too_large": "超过大小上限，未下载",
    "timeout": "读取超时",
}

# source_pages: both reports list every one beside the details (reports/listing.py `Row`).
_GENERIC_SKIP = {
    "id",
    "check",
    "severity",
    "page_url",
    "title",
    "column",
    "internal",
    "rule_key",
    "source_pages",
}


def check_name(check: str) -> str:
    return CHECK_NAMES.get(check, check)


def severity_name(severity: str) -> str:
    return SEVERITY_NAMES.get(severity, severity)


# Records a daily audit kept from an earlier one without asking the site (crawler/rolling.py).
CARRIED_LABEL = "沿用此前记录（未到核验日）"
# What the reports say of 疑似 findings (checks/confirmation.py): left out of every veto count.
SUSPECTED_NOTE = "疑似，待下次审计确认"


def audit_state(status: str) -> str:
    return AUDIT_STATES.get(status, status)


def error_name(kind: str) -> str:
    """A fetch error kind as people read it (`refused` → 连接被拒绝)."""
    return ERROR_NAMES.get(kind, kind)


def detail_text(finding: Finding) -> str:
    """The 问题详情 cell: the facts a person needs to fix the problem, one per line."""
    d = finding.details
    render = _RENDERERS.get(finding.check, _generic)
    return "\n".join(line for line in render(d) if line)


def _broken_link(d: dict[str, Any]) -> list[str]:
    status = d.get("status")
    kind = d.get("error") or d.get("error_kind") or ""
    why = "，".join(
        part for part in (f"HTTP {status}" if status else "", ERROR_NAMES.get(kind, kind)) if part
    )
    sources = d.get("source_pages") or []
    anchors = [a for a in d.get("anchors") or [] if a]
    return [
        f"链接地址：{d.get('target_url', '')}",
        f"访问结果：{why or '无响应'}",
        f"跳转至：{d['final_url']}" if d.get("final_url") else "",
        f"引用页面：{len(sources)} 个"
        + ("（含页头/页脚公共链接）" if d.get("boilerplate") else ""),
        f"链接文字：{'、'.join(anchors[:3])}" if anchors else "",
    ]


def _column(d: dict[str, Any]) -> list[str]:
    last = d.get("last_updated") or "无（未注明日期或无内容）"
    return [
        f"栏目类别：{d['category']}" if d.get("category") else "",
        f"最近更新：{last}",
        f"更新要求：{d.get('threshold_days', '')} 天内",
        f"已 {d['days']} 天未更新" if d.get("days") is not None else "",
        _evidence(d),
    ]


def _evidence(d: dict[str, Any]) -> str:
    """Why the page was taken for a column's list page (the crawler's evidence)."""
    evidence = d.get("evidence") or []
    return f"判定为栏目页的依据：{'、'.join(evidence)}" if evidence else ""


_BROWSER = {
    "failed": "浏览器渲染失败",
    "unavailable": "本机无可用浏览器",
    "over_budget": "超出浏览器渲染页数上限",
    "still_empty": "浏览器渲染后仍无列表",
}


def _undecidable(d: dict[str, Any]) -> list[str]:
    browser = _BROWSER.get(d.get("browser") or "", "未使用浏览器")
    return [
        f"栏目类别：{d['category']}" if d.get("category") else "",
        f"无法判定：{d.get('reason') or '列表由脚本生成且无法读取'}（{browser}）",
        "不计入空白栏目和栏目不更新，请打开页面人工核实",
        _evidence(d),
    ]


def _empty(d: dict[str, Any]) -> list[str]:
    if d.get("needs_review"):  # findings of audits before undecidable_column
        return _undecidable(d)
    return [
        f"栏目类别：{d['category']}" if d.get("category") else "",
        "栏目内没有任何信息（空白栏目）",
        _evidence(d),
    ]


def _attachment(d: dict[str, Any]) -> list[str]:
    """Which file (for findings inside an attachment) and the pages that link to it."""
    if not d.get("attachment_url"):
        return []
    sources = d.get("source_pages") or []
    return [
        f"附件：{d.get('attachment_name') or ''}",
        f"附件地址：{d['attachment_url']}",
        f"链接页面：{len(sources)} 个" if sources else "链接页面：无",
    ]


def _word(d: dict[str, Any]) -> list[str]:
    suggestion = d.get("suggestion")
    return [
        *_attachment(d),
        f"位置：{d['location']}" if d.get("location") else "",
        f"问题用语：{d.get('term', '')}" + (f" → 建议：{suggestion}" if suggestion else ""),
        f"出现次数：{d['count']}" if d.get("count") else "",
        f"上下文：{d.get('context', '')}" if d.get("context") else "",
        f"警示语境：{d['warning_context']}，请人工确认页面是否可保留该用语"
        if d.get("warning_context")
        else "",
        f"依据：{source}" if (source := entry_source(str(d.get("note") or ""))) else "",
    ]


def _privacy(d: dict[str, Any]) -> list[str]:
    places = [p for p in d.get("locations") or [] if p]
    return [
        *_attachment(d),
        f"信息类型：{PRIVACY_KINDS.get(d.get('kind', ''), d.get('kind', ''))}",
        f"脱敏显示：{d.get('masked', '')}",
        f"出现次数：{d['count']}" if d.get("count") else "",
        f"位置：{_plain(places)}" if places else "",
        f"上下文：{d.get('context', '')}" if d.get("context") else "",
    ]


def _unreadable(d: dict[str, Any]) -> list[str]:
    reason = d.get("reason") or ""
    return [
        *_attachment(d),
        f"原因：{_ATTACHMENT_REASONS.get(reason, reason)}",
        f"说明：{d['detail']}" if d.get("detail") else "",
        f"文件大小：{d['size']} 字节" if d.get("size") else "",
        "内容未经错敏字和个人信息检查，请人工核查",
    ]


def _document(d: dict[str, Any]) -> list[str]:
    return [
        f"文件：{d['document_title']}" if d.get("document_title") else "",
        f"文号：{d['document_number']}" if d.get("document_number") else "",
    ]


def _overdue(d: dict[str, Any]) -> list[str]:
    late, workdays = d.get("days_late"), d.get("workdays_late")
    register = d.get("register") or {}  # a 发文登记 document not found on the site
    return [
        *_document(d),
        f"所解读政策：{d['policy_title']}" if d.get("policy_title") else "",
        f"配对方式：按{d['paired_by']}（{d.get('paired_on') or ''}）" if d.get("paired_by") else "",
        f"成文/印发日期：{d.get('issued') or '未注明'}",
        f"发布日期：{d.get('published') or ('网站上未找到' if register else '未注明')}",
        f"公开时限：{d.get('deadline', '')}" + ("（约）" if d.get("approximate") else ""),
        f"依据：{d.get('rule', '')}" if d.get("rule") else "",
        f"逾期 {late} 天" + (f"（{workdays} 个工作日）" if workdays else "") if late else "",
        f"无法判定：{d['reason']}，请打开页面人工核实" if d.get("needs_review") else "",
        (
            f"依据发文登记：{register.get('source', '')} {register.get('file', '')} "
            f"{register.get('place', '')}（{register.get('imported', '')} 导入）"
            if register
            else ""
        ),
    ]


def _publication_date(d: dict[str, Any]) -> list[str]:
    return [
        *_document(d),
        f"成文日期：{d.get('issued') or '未注明'}",
        f"发布日期：{d.get('published') or '未注明'}",
    ]


def _date_mismatch(d: dict[str, Any]) -> list[str]:
    return [
        f"文章地址：{d.get('item_url', '')}",
        f"列表页日期：{d.get('list_date') or '无'}",
        f"文章页日期：{d.get('page_date') or '无'}",
    ]


def _message(d: dict[str, Any]) -> list[str]:
    answered = d.get("answered")
    waited = (
        f"已 {d.get('days', '')} 天未答复" if not answered else f"答复用时 {d.get('days', '')} 天"
    )
    return [
        f"留言标题：{d['item_title']}" if d.get("item_title") else "",
        f"留言时间：{d.get('asked') or '未注明'}",
        f"答复时间：{answered or '未答复'}",
        f"办理状态：{d['status']}" if d.get("status") else "",
        f"{waited}（要求 {d.get('threshold_days', '')} 天内答复）",
    ]


def _annual_report(d: dict[str, Any]) -> list[str]:
    missing = d.get("missing_sections") or []
    return [
        f"年度：{d.get('year', '')}",
        f"缺少章节：{'、'.join(str(m) for m in missing)}" if missing else "",
    ]


# Field names a check may use that have an obvious Chinese label; others show as they are.
_FIELD_NAMES = {
    "item_url": "信息地址",
    "item_title": "信息标题",
    "list_date": "列表页日期",
    "page_date": "文章页日期",
    "published": "发布日期",
    "issued": "成文日期",
    "value": "原值",
    "field": "字段",
    "count": "数量",
    "context": "上下文",
    "reason": "原因",
    "document_title": "文件",
    "document_number": "文号",
    "final_url": "跳转至",
    "attachment_url": "附件地址",
    "attachment_name": "附件",
    "location": "位置",
    "locations": "位置",
    "source_pages": "链接页面",
    "detail": "说明",
    "format": "文件格式",
    "size": "文件大小（字节）",
}


def _missing_anchor(d: dict[str, Any]) -> list[str]:
    sources = d.get("source_pages") or []
    anchors = [a for a in d.get("anchors") or [] if a]
    return [
        f"链接地址：{d.get('target_url', '')}",
        f"目标页面中没有 id 或 name 为“{d.get('fragment', '')}”的位置，访问者只能看到页面顶部",
        f"链接文字：{_plain(anchors)}" if anchors else "",
        f"链接所在页面（{len(sources)} 个）：{_plain(sources)}" if sources else "",
    ]


def _generic(d: dict[str, Any]) -> list[str]:
    return [
        f"{_FIELD_NAMES.get(k, k)}：{_plain(v)}"
        for k, v in d.items()
        if k not in _GENERIC_SKIP and v not in (None, "", [])
    ]


def _plain(value: Any) -> str:
    if isinstance(value, list | tuple):
        return "、".join(str(v) for v in value[:10]) + ("…" if len(value) > 10 else "")
    return "" if value is None else str(value)


_RENDERERS = {
    "missing_anchor": _missing_anchor,
    "broken_link": _broken_link,
    "stale_column": _column,
    "empty_column": _empty,
    "undecidable_column": _undecidable,
    "wrong_word": _word,
    "sensitive_word": _word,
    "suspected_typo": _word,
    "privacy_leak": _privacy,
    "overdue_publication": _overdue,
    "date_mismatch": _date_mismatch,
    "annual_report_incomplete": _annual_report,
    "publication_date_missing": _publication_date,
    "publication_date_invalid": _publication_date,
    "unreadable_attachment": _unreadable,
    "unanswered_message": _message,
    "late_reply": _message,
}
