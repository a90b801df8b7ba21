"""Attachments the audit could not read (unreadable_attachment): staff must know what went unchecked.

An encrypted, corrupt or scanned (image-only) file, one in a format without a reader, one over the
download bound or one whose reading timed out was not searched for wrong words or personal data.
The file may be fine, but nobody has checked it: one `minor` finding per file, naming the reason,
so that someone opens it by hand (and, for a scanned 公示 list, that the text layer is missing is
itself worth fixing: it cannot be read by screen readers or searched).

Settings, `[checks.unreadable_attachment]` (`[checks.attachments]` is still read):
    reasons    the reasons reported (crawler/attachments/ REASONS); drop one to silence it
    severity   of every finding (default minor)
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

from govaudit.checks.site_texts import attachments
from govaudit.core.config import ConfigError
from govaudit.core.model import SEVERITIES, Finding, fingerprint
from govaudit.core.store import AuditView

SECTION = "unreadable_attachment"
OLD_SECTIONS = ("attachments",)  # its name before 2026-12
DEFAULTS: dict[str, Any] = {
    "reasons": ["encrypted", "corrupt", "scanned", "unsupported", "too_large", "timeout"],
    "severity": "minor",
}
REASON_NAMES = {
    "encrypted": "文件已加密",
    "corrupt": "文件已损坏或格式不符",
    "scanned": "扫描件（无文字层）",
    "unsupported": "格式暂不支持",
    "too_large": "文件超过大小上限，未下载",
    "timeout": "读取超时",
}


def validate_rules(rules: dict[str, Any]) -> dict[str, Any]:
    if rules["severity"] not in SEVERITIES:
        raise ConfigError(f"checks.{SECTION}.severity 应为 {', '.join(SEVERITIES)} 之一")
    return rules


def run(view: AuditView, rules: dict[str, Any], as_of: date) -> Iterator[Finding]:
    """One finding per unreadable internal attachment; `as_of` is unused."""
    reasons = set(rules["reasons"])
    for attachment in attachments(view, readable=False):
        reason = attachment.unreadable
        if reason not in reasons:
            continue
        meta = attachment.record.meta
        yield Finding(
            id=fingerprint("unreadable_attachment", attachment.url),
            check="unreadable_attachment",
            severity=rules["severity"],
            page_url=attachment.page_url,
            title=f"{attachment.heading()}无法读取（{REASON_NAMES.get(reason, reason)}），未检查其内容",
            details={
                **attachment.details(),
                "reason": reason,
                "detail": meta.get("unreadable_detail"),
                "format": meta.get("format"),
                "size": attachment.record.size,
            },
        )
