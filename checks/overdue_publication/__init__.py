"""Overdue publications: documents, the annual report and policy interpretations published late.

Inspectors read the dates on the document pages themselves (成文日期/印发日期 against 发布日期), so
this check does too, from the metadata the crawler recorded. Rules (all thresholds in DEFAULTS):

- 规范性文件: within `normative_days` calendar days of 印发 (the bureau's own rule; no national
  source was found for it, see research/domain-rules.md §16). A document is a 规范性文件 when its
  是否规范性文件 field says so, when its column says so, or when its 文号 has a 规范性文件 form.
- other 主动公开 documents: within `active_workdays` working days of 成文 (《政府信息公开条例》
  第二十六条), counted on the official calendar (govaudit.core.workdays).
- 政府信息公开工作年度报告: the previous year's report by `annual_report_deadline` (条例第四十九条),
  with the six sections of 第五十条 (`annual_report_sections`, tolerant patterns).
- 政策解读: published with its policy (同步发布: 国办发〔2016〕80号, the 实施细则 of 《关于全面推进
  政务公开工作的意见》); `interpretation_workdays` working days are allowed by a local rule
  (`interpretation_local_rule` names it, e.g. 郑州's 3 working days; 0 means the national rule
  alone). The finding says how the 解读 was paired with its policy (`paired_by`: 文号, 标题, 链接).
- 发文登记: a document of the imported register not found on the site, past its limit
  (register.py; the 预警 before it is in checks/early_warning.py).
- data quality: a document page without any 发布日期 (`publication_date_missing`), or published
  before it was written (`publication_date_invalid`), is reported, never silently skipped.

Settings: `[checks.overdue_publication]` with the keys of DEFAULTS; `severity` maps each kind of
finding to critical/major/minor.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from govaudit.checks.overdue_publication.annual_report import annual_report_findings
from govaudit.checks.overdue_publication.documents import document_findings, read_document
from govaudit.checks.overdue_publication.interpretation import interpretation_findings
from govaudit.checks.overdue_publication.register import register_findings, unpublished
from govaudit.checks.overdue_publication.settings import CHECK, CHECKS, DEFAULTS, SECTION, Settings
from govaudit.checks.overdue_publication.site import Site, is_document
from govaudit.core.model import Finding
from govaudit.core.store import AuditView

__all__ = ["CHECK", "CHECKS", "DEFAULTS", "SECTION", "run", "validate_rules"]


def validate_rules(rules: dict[str, Any]) -> dict[str, Any]:
    """Fail before the crawl on settings that type checks let through (patterns, days, levels)."""
    Settings.from_rules(rules)
    return rules


def run(view: AuditView, rules: dict[str, Any], as_of: date) -> Iterable[Finding]:
    """Every overdue-publication finding of the audit (see the module docstring for the rules)."""
    settings = Settings.from_rules(rules)
    site = Site.load(view)
    documents = [read_document(p, site, settings) for p in site.pages if is_document(p)]
    yield from document_findings(documents, settings)
    yield from interpretation_findings(site, documents, settings)
    if settings.annual_report:
        yield from annual_report_findings(site, settings, as_of)
    missing = unpublished(view.register_documents(), site, settings)
    yield from register_findings(missing, view.start_url(), settings, as_of, not site.skipped)
