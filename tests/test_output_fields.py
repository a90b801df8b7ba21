"""The README's field tables (输出 / Outputs: 字段一览, Every field) against what a real audit writes.

The sample site is served on 127.0.0.1 and audited with `govaudit audit`; every key of its
findings.json, warnings.json and summary.json must be in the tables, the fields the tables say
every finding (every warning, summary.json always) has must be there, and both READMEs must list
the same fields. A field the tables name that this audit does not write (a check the sample site
does not trip) must at least be a key the source writes somewhere.
"""

from __future__ import annotations

import dataclasses
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from govaudit.commands.demo import write_profile
from govaudit.core.verdicts import EarlyWarning
from govaudit.sample_site import DEMO_AS_OF, build_site, serve

REPO = Path(__file__).resolve().parents[1]
READMES = (REPO / "README.md", REPO / "README.en.md")
FILES = ("findings.json", "warnings.json", "summary.json")
ALWAYS = {"每个问题", "每条预警", "总是"}  # the 出现于 cells of fields every object has


def field_rows(readme: Path, name: str) -> list[tuple[set[str], str]]:
    """(field names, 出现于 cell) of each row of the table under `<!-- fields: name -->`."""
    text = readme.read_text(encoding="utf-8")
    assert f"<!-- fields: {name} -->" in text, f"{readme.name}: no field table for {name}"
    lines = text.split(f"<!-- fields: {name} -->\n", 1)[1].splitlines()
    rows = []
    for line in lines[2:]:  # past the header and the |---| line
        if not line.startswith("|"):
            break
        cells = [c.strip() for c in line.strip("|").split("|")]
        rows.append((set(re.findall(r"`([^`]+)`", cells[0])), cells[1]))
    return rows


def documented(readme: Path, name: str) -> set[str]:
    return set().union(*(names for names, _ in field_rows(readme, name)))


def always(name: str) -> set[str]:
    """The fields README.md says every object of `name` has."""
    rows = field_rows(READMES[0], name)
    return set().union(*(names for names, where in rows if where in ALWAYS))


@pytest.fixture(scope="module")
def written(tmp_path_factory) -> dict[str, object]:
    """The three files of a real audit of the sample site."""
    tmp = tmp_path_factory.mktemp("fields")
    with serve(build_site(DEMO_AS_OF)) as running:
        profile = write_profile(tmp / "sample-site.toml", running.url)
        cmd = [sys.executable, "-m", "govaudit.cli", "audit", running.url, "--out", str(tmp)]
        cmd += ["--as-of", DEMO_AS_OF.isoformat(), "--config", str(profile), "--quiet"]
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=300, cwd=REPO)
    assert done.returncode == 0, done.stderr[-2000:]
    return {name: json.loads((tmp / name).read_text(encoding="utf-8")) for name in FILES}


def test_both_readmes_list_the_same_fields():
    for name in FILES:
        assert documented(READMES[0], name) == documented(READMES[1], name), name


def test_every_findings_field_is_documented_and_the_common_ones_are_on_every_finding(written):
    findings = written["findings.json"]
    assert len({f["check"] for f in findings}) >= 10  # the sample site trips most checks
    keys = set().union(*(set(f) for f in findings))
    assert keys - documented(READMES[0], "findings.json") == set()
    for finding in findings:
        assert always("findings.json") <= set(finding), finding["id"]


def test_every_documented_findings_field_is_a_key_the_source_writes():
    source = "\n".join(
        p.read_text(encoding="utf-8")
        for folder in ("checks", "crawler", "govaudit")
        for p in (REPO / folder).rglob("*.py")
    )
    ghosts = {
        field
        for field in documented(READMES[0], "findings.json")
        if f'"{field}"' not in source and f"{field}=" not in source
    }
    assert ghosts == set()


def test_warnings_fields_are_documented_and_are_the_records_fields(written):
    warnings = written["warnings.json"]
    assert warnings, "the sample site has a column about to go stale"
    keys = set().union(*(set(w) for w in warnings))
    listed = documented(READMES[0], "warnings.json")
    assert keys <= listed
    assert listed == {f.name for f in dataclasses.fields(EarlyWarning)} | {"kind_name"}
    for warning in warnings:
        assert always("warnings.json") <= set(warning)


def test_summary_fields_are_exactly_those_documented(written):
    summary = written["summary.json"]
    assert summary["scorecard"], "the sample site's audit has a scorecard"
    keys = set(summary) | {f"scorecard[].{k}" for item in summary["scorecard"] for k in item}
    assert keys == documented(READMES[0], "summary.json")
    assert always("summary.json") == set(summary)
