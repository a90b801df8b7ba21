"""privacy_leak on hand-built stores, and the number rules of govaudit.core.masking."""

from __future__ import annotations

import importlib.util
import json
import random
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from govaudit.checks import privacy_leak as privacy
from govaudit.core import masking
from govaudit.core.masking import (
    id_check_char,
    is_id_number,
    luhn_ok,
    mask_personal_numbers,
    masked_window,
)
from govaudit.core.model import Finding, PageRecord, fingerprint
from govaudit.core.store import Store

SITE = "http://www.example.gov.cn"
AS_OF = date(2025, 6, 1)
CHECKER = Path("/work/shared/tools/check_findings.py")


def make_id(first17: str) -> str:
    return first17 + id_check_char(first17)


def make_card(prefix: str, length: int = 16) -> str:
    body = prefix + "0" * (length - len(prefix) - 1)
    return next(body + d for d in "0123456789" if luhn_ok(body + d))


ID_A = make_id("34152319900101123")  # 安徽 region, born 1990-01-01
ID_B = make_id("44030519851231002")
# 外国人永久居留身份证 (2023): 9, province 11, country 156, birth date, sequence, check.
ID_FOREIGN = make_id("91115619900101001")
CARD = make_card("622202123456789")
MOBILE = "13812345678"
RAW = [ID_A, ID_B, ID_FOREIGN, CARD, MOBILE]


def audit(tmp_path: Path, texts: list[str], **rules: Any) -> list[Finding]:
    store = Store(tmp_path / "audit.db")
    audit_id = store.start_audit("example", f"{SITE}/", AS_OF, {})
    pages = [
        PageRecord(url=f"{SITE}/p{i}.html", status=200, kind="article", text=t)
        for i, t in enumerate(texts)
    ]
    store.add_pages(audit_id, pages)
    found = list(privacy.run(store.view(audit_id), {**privacy.DEFAULTS, **rules}, AS_OF))
    dumped = json.dumps([f.to_json() for f in found], ensure_ascii=False)
    for raw in RAW:
        assert raw not in dumped
    if CHECKER.is_file():
        spec = importlib.util.spec_from_file_location("check_findings", CHECKER)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        assert module.problems([f.to_json() for f in found]) == []
    return found


def kinds(tmp_path: Path, text: str, **rules: Any) -> dict[str, int]:
    return {f.details["kind"]: f.details["count"] for f in audit(tmp_path, [text], **rules)}


# -- number rules ------------------------------------------------------------------------------


def test_standard_examples_of_gb_11643():
    assert id_check_char("11010519491231002") == "X"
    assert is_id_number("11010519491231002X", AS_OF)
    assert is_id_number("11010519491231002x", AS_OF)
    # 440524188001010014 verifies, but a birth in 1880 is no living person's (research §5.1).
    assert id_check_char("44052418800101001") == "4"
    assert not is_id_number("440524188001010014", AS_OF)


@pytest.mark.parametrize(
    ("number", "why"),
    [
        (ID_A[:-1] + ("0" if ID_A[-1] != "0" else "1"), "wrong check digit"),
        (make_id("99152319900101123"), "99 is no province"),
        (make_id("00152319900101123"), "00 is no province"),
        (make_id("34152319901301123"), "month 13"),
        (make_id("34152320300101123"), "born after as_of"),
        (make_id("34152318990101123"), "born before 1900"),
    ],
)
def test_implausible_id_numbers(number, why):
    assert not is_id_number(number, AS_OF), why


def test_foreign_permanent_resident_id_starts_with_9():
    assert is_id_number(ID_FOREIGN, AS_OF)


def test_mask_personal_numbers():
    text = f"身份证{ID_A}，电话{MOBILE}，卡号{CARD}，固话0571-87654321，热线12345"
    masked = mask_personal_numbers(text)
    assert all(raw not in masked for raw in (ID_A, MOBILE, CARD))
    assert f"{ID_A[:4]}**********{ID_A[-4:]}" in masked
    assert "138****5678" in masked
    assert f"{CARD[:4]} **** **** {CARD[-4:]}" in masked
    assert "0571-87654321" in masked and "12345" in masked


def test_masking_the_runs_around_numbers_masks_as_masking_the_whole_text():
    """Only the runs holding 11 digits are masked (the speed of it); every candidate must be
    masked as the four patterns over the whole text mask it, the run's edges included."""
    alphabet = list("0123456789 -+*Xx_a/:中，\n") + ["１", "٣", "<b>"]
    rng = random.Random(7)
    full_width = ID_B.translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    pieces = [ID_A, ID_B, MOBILE, CARD, "+86 " + MOBILE, "6222 0212 3456 7890", "138-1234-5678"]
    pieces += [full_width, full_width[:3] + ID_A[3:], "1" * 15]
    for _ in range(3000):
        parts = [rng.choice(alphabet) for _ in range(rng.randint(0, 40))]
        for _ in range(rng.randint(0, 3)):
            parts.insert(rng.randint(0, len(parts)), rng.choice(pieces))
        text = "".join(parts)
        assert mask_personal_numbers(text) == masking._mask_run(text), text


def test_masked_window_never_cuts_a_number_in_half():
    text = "甲" * 30 + ID_A + "乙" * 30
    window = masked_window(text, 30 + 17, 30 + 18, chars=5)
    assert ID_A[5:] not in window and "*" in window


# -- findings ----------------------------------------------------------------------------------


def test_public_list_with_ids_and_phones_is_one_finding_per_kind(tmp_path):
    rows = "\n".join(
        f"{name}\t{number}\t{phone}"
        for name, number, phone in [
            ("张三", ID_A, MOBILE),
            ("李四", ID_B, "13912345678"),
            ("王五", ID_A, "13912345678"),
        ]
    )
    found = audit(tmp_path, [f"低保公示名单\n姓名\t身份证号\t联系电话\n{rows}"])
    by_kind = {f.details["kind"]: f for f in found}
    assert set(by_kind) == {"id_card", "mobile"}
    ids = by_kind["id_card"]
    assert ids.severity == "critical" and ids.details["count"] == 2
    assert ids.details["masked"] == f"{ID_A[:4]}**********{ID_A[-4:]}"
    assert ids.id == fingerprint("privacy_leak", f"{SITE}/p0.html", "id_card")
    assert ids.title == "疑似泄露公民身份号码（2个）"
    assert len(ids.details["examples"]) == 2
    mobile = by_kind["mobile"]
    assert mobile.severity == "major" and mobile.details["count"] == 2
    assert mobile.details["masked"] == "138****5678"


def test_foreign_id_is_reported(tmp_path):
    assert kinds(tmp_path, f"证件号码：{ID_FOREIGN}") == {"id_card": 1}


@pytest.mark.parametrize(
    "text",
    [
        f"身份证号：{ID_A[:4]}**********{ID_A[-4:]}",  # masked
        "身份证号：341523**********1234",
        "手机：138****5678",
        f"身份证号：{ID_A[:-1]}{'0' if ID_A[-1] != '0' else '1'}",  # wrong check digit
        "咨询电话：12333，投诉电话：12345",  # hotlines
        "办公室电话：0571-87654321，传真：(0571)87654322",  # office fixed lines
        "国办发〔2019〕11号、浙政办发〔2024〕3号",  # 文号
        f"详见 http://www.example.gov.cn/art/2024/t20241030_{ID_A}.html 附件",  # URL
        f"附件：{ID_A}.pdf",  # file name
        f"订单号A{ID_A}",  # part of a longer code
        f"编号{ID_A}9",  # a 19-digit run is no ID
        "金额：20230101.00元，邮编：310000",
    ],
)
def test_traps_are_not_reported(tmp_path, text):
    assert kinds(tmp_path, text) == {}


def test_credit_code_is_preferred_over_an_id_reading(tmp_path):
    # A digits-only 统一社会信用代码 that also reads as a valid ID number (found by search).
    code = next(
        c
        for c in (make_id(f"123301199001{n:05d}") for n in range(1000, 29000))
        if is_id_number(c, AS_OF) and privacy.is_credit_code(c)
    )
    assert kinds(tmp_path, f"统一社会信用代码：{code}") == {}
    assert kinds(tmp_path, f"身份证号码：{code}") == {"id_card": 1}


def test_credit_code_check():
    assert privacy.is_credit_code("91350100M000100Y43")
    assert not privacy.is_credit_code("91350100M000100Y44")
    assert not privacy.is_credit_code("91350100M000100I43")


def test_official_contact_mobile_is_not_a_leak_but_an_applicant_row_is(tmp_path):
    office = f"如有疑问请联系。联系人：王老师，联系电话：{MOBILE}。"
    assert kinds(tmp_path, office) == {}
    assert kinds(tmp_path, office, report_contact_mobiles=True) == {"mobile": 1}
    applicant = f"申请人：张三，身份证号：{ID_A}，联系电话：{MOBILE}"
    assert kinds(tmp_path, applicant) == {"id_card": 1, "mobile": 1}
    assert kinds(tmp_path, f"张三同志手机{MOBILE}已停用") == {"mobile": 1}


@pytest.mark.parametrize(
    "text",
    [f"+86 {MOBILE}", "8613812345678", "138-1234-5678", "138 1234 5678"],
)
def test_mobile_formats(tmp_path, text):
    assert kinds(tmp_path, f"张三 {text}") == {"mobile": 1}


def test_bank_cards_need_luhn_and_62_or_a_card_word(tmp_path):
    assert kinds(tmp_path, f"补贴发放至{CARD}") == {"bank_card": 1}
    grouped = " ".join(CARD[i : i + 4] for i in range(0, 16, 4))
    assert kinds(tmp_path, f"补贴发放至{grouped}") == {"bank_card": 1}
    other = make_card("4367421234567", 16)  # Luhn-valid, not UnionPay
    assert kinds(tmp_path, f"编号{other}") == {}
    assert kinds(tmp_path, f"银行卡号：{other}") == {"bank_card": 1}
    bad = CARD[:-1] + str((int(CARD[-1]) + 1) % 10)
    assert kinds(tmp_path, f"银行卡号：{bad}") == {}


def test_an_id_number_is_not_also_a_card(tmp_path):
    assert kinds(tmp_path, f"卡号：{ID_A}") == {"id_card": 1}


def test_account_of_a_public_body_is_not_a_personal_card(tmp_path):
    text = f"户名：某市财政局非税收入专户，开户行：工商银行某支行，账号：{CARD}"
    assert kinds(tmp_path, text) == {}


def test_context_is_masked(tmp_path):
    (f,) = audit(tmp_path, [f"经审核，申请人身份证号{ID_A}符合条件。"])
    assert "**********" in f.details["context"]
    assert ID_A not in f.details["context"]


def test_phone_numbers_separated_by_a_slash_are_not_a_url(tmp_path):
    (f,) = audit(tmp_path, [f"张三 {MOBILE}/13912345678"])
    assert f.details["count"] == 2
