"""History between audits of a changed site, and how staff reviews change the next list."""

from datetime import date, datetime

from openpyxl import load_workbook
from reports_store import SITE, broken, make_audit, new_store, stale, word

from govaudit.checks.judge import judge
from govaudit.reports import build_listing, report_settings, write_reports
from govaudit.reports.history import audit_history

SETTINGS = report_settings({})


def states(store, audit):
    history = audit_history(store, audit, store.findings(audit))
    return {fid: s.state for fid, s in history.states.items()}, history


def test_diff_between_two_audits_of_a_changed_site(tmp_path):
    store = new_store(tmp_path)
    a, b, c = broken(f"{SITE}/a.pdf"), broken(f"{SITE}/b.pdf"), broken(f"{SITE}/c.pdf")
    first = make_audit(store, [a, b], as_of=date(2024, 3, 1))
    make_audit(store, [a, c], as_of=date(2024, 3, 5), status="interrupted")  # not a base
    second = make_audit(store, [b, c], as_of=date(2024, 4, 1))
    current, history = states(store, second)
    assert history.previous_audit == first and history.previous_as_of == "2024-03-01"
    assert current == {b.id: "open", c.id: "new"}
    assert [f.id for f in history.fixed] == [a.id]
    assert history.states[b.id].label() == "持续存在（自2024-03-01）"
    assert history.counts() == {"new": 1, "open": 1, "reopened": 0, "suppressed": 0, "fixed": 1}


def test_other_sites_do_not_count(tmp_path):
    store = new_store(tmp_path)
    a = broken(f"{SITE}/a.pdf")
    make_audit(store, [a], site="另一个局")
    second = make_audit(store, [a], as_of=date(2024, 4, 1))
    current, history = states(store, second)
    assert current == {a.id: "new"} and history.previous_audit is None


def test_gone_and_back_is_reopened(tmp_path):
    store = new_store(tmp_path)
    a, b = broken(f"{SITE}/a.pdf"), broken(f"{SITE}/b.pdf")
    make_audit(store, [a, b], as_of=date(2024, 3, 1))
    make_audit(store, [b], as_of=date(2024, 4, 1))
    third = make_audit(store, [a, b], as_of=date(2024, 5, 1))
    current, _ = states(store, third)
    assert current == {a.id: "reopened", b.id: "open"}


def test_reviews_suppress_and_reopen(tmp_path):
    store = new_store(tmp_path)
    fp, fixed, later, deferred = (
        word("杜家豪"),
        broken(f"{SITE}/a.pdf"),
        broken(f"{SITE}/b.pdf"),
        stale("工作动态", 40),
    )
    first = make_audit(store, [fp, fixed, later, deferred], as_of=date(2024, 3, 1))
    store.add_reviews(
        first,
        [
            (fp.id, "误报", "人名正确，不是错别字"),
            (fixed.id, "已整改", "已删除链接"),
            (later.id, "已整改", "已修复"),
            (deferred.id, "暂不整改", "栏目将合并"),
        ],
    )
    second = make_audit(store, [fp, fixed, deferred], as_of=date(2024, 4, 1))
    current, history = states(store, second)
    assert current == {fp.id: "suppressed", fixed.id: "reopened", deferred.id: "open"}
    assert [f.id for f in history.fixed] == [later.id]
    assert history.fixed_reviews[later.id]["note"] == "已修复"
    assert history.states[deferred.id].review["note"] == "栏目将合并"  # carried forward
    assert history.states[fixed.id].review is None  # staff must answer again

    data = build_listing(store, second, SETTINGS, judge)
    assert {r.finding_id for r in data.open_rows} == {fixed.id, deferred.id}
    assert [r.finding_id for r in data.suppressed_rows] == [fp.id]
    assert [r.finding_id for r in data.fixed_rows] == [later.id]
    reopened = next(r for r in data.open_rows if r.finding_id == fixed.id)
    assert reopened.state_label == "重新出现" and reopened.review_status == ""
    # The suppressed word no longer vetoes the scorecard.
    serious = next(i for i in data.score if i.key == "serious_wrong_expressions")
    assert serious.measured == 0 and serious.verdict == "合格"


def test_old_report_regenerates_without_later_reviews(tmp_path):
    store = new_store(tmp_path)
    a = broken(f"{SITE}/a.pdf")
    first = make_audit(store, [a], as_of=date(2024, 3, 1))
    second = make_audit(store, [a], as_of=date(2024, 4, 1))
    store.add_reviews(second, [(a.id, "误报", "")])
    assert states(store, first)[0] == {a.id: "new"}
    assert states(store, second)[0] == {a.id: "suppressed"}


def test_xlsx_sections_for_fixed_and_suppressed(tmp_path):
    store = new_store(tmp_path)
    a, b, c = broken(f"{SITE}/a.pdf"), broken(f"{SITE}/b.pdf"), broken(f"{SITE}/c.pdf")
    first = make_audit(store, [a, b], as_of=date(2024, 3, 1))
    store.add_reviews(first, [(b.id, "误报", "外部网站临时故障")])
    second = make_audit(store, [b, c], as_of=date(2024, 4, 1))
    paths, _ = write_reports(store, second, tmp_path / "out", SETTINGS, judge)
    wb = load_workbook(paths[0])
    ids = {
        name: [r[-1] for r in wb[name].iter_rows(min_row=2, values_only=True)]
        for name in ("问题清单", "已整改", "已标记误报")
    }
    assert ids == {"问题清单": [c.id], "已整改": [a.id], "已标记误报": [b.id]}
    suppressed = [c.value for c in wb["已标记误报"][2]]
    assert "误报" in suppressed and "外部网站临时故障" in suppressed
    facts = {r[0]: r[1] for r in wb["汇总"].iter_rows(max_col=2, values_only=True) if r[0]}
    assert facts["上次审计"] == datetime(2024, 3, 1)
    assert (facts["新发现"], facts["已整改（上次有、本次无）"], facts["已标记误报"]) == (1, 1, 1)
