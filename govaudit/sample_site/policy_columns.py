"""The sample site's policy columns: 政策文件, 规范性文件, 政策解读."""

from __future__ import annotations

from datetime import date, timedelta
from html import escape
from typing import Any

from govaudit.sample_site import markup as mk
from govaudit.sample_site.corpus import BUREAU, DOC_PREFIX
from govaudit.sample_site.documents import (
    office_html,
    pdf_file,
)
from govaudit.sample_site.news_columns import jgzn_link
from govaudit.sample_site.site import UNRESOLVABLE, XXGK, Column, Item, SiteBuilder


def zcwj(b: SiteBuilder) -> list[Item]:
    """政策文件: sorted oldest-first with plain 上一页/下一页 links; the newest item is on page 3."""
    col = Column(
        "zcwj",
        "政策文件",
        "em",
        pager="plain",
        per_page=10,
        oldest_first=True,
        date_format=mk.cn_date,
    )
    b.trap(
        "stale_column",
        "sorted oldest-first: the newest item (30 days) is on the last page",
        column=col.name,
    )
    items = []
    for n, d in enumerate(b.dates(b.ago(30), 22, gap=(8, 30))):
        issued = d - timedelta(days=b.rng.randint(1, 5))
        title = b.w.title("policy", issued.year)
        number = f"{DOC_PREFIX}发〔{issued.year}〕{n + 10}号"
        path = b.document(col, title, issued, d, number=number, normative=False)
        items.append(Item(title, path, d, d))
    # 2023: an agency renamed in March 2018 under its old name.
    issued, pub = date(2023, 6, 12), date(2023, 6, 15)
    paras = b.w.paragraphs(2023, 3) + [
        "各地要按照国家卫生和计划生育委员会、人力资源和社会保障部有关规定，做好卫生专业技术人员职称评审工作。"
    ]
    title = "关于做好2023年度卫生系列高级职称评审工作的通知"
    path = b.document(
        col,
        title,
        issued,
        pub,
        number=f"{DOC_PREFIX}发〔2023〕31号",
        normative=False,
        paragraphs=paras,
    )
    items.append(Item(title, path, pub, pub))
    b.plant(
        "wrong_word",
        "国家卫生和计划生育委员会 on a 2023 page (renamed 2018-03)",
        page=path,
        term="国家卫生和计划生育委员会",
    )
    # 2016: the same kind of old name, correct at the time.
    issued, pub = date(2016, 9, 5), date(2016, 9, 8)
    paras = b.w.paragraphs(2016, 3) + [
        "根据国土资源部、人力资源和社会保障部有关规定，做好被征地农民就业培训和社会保障工作。"
    ]
    title = "关于做好被征地农民就业培训和社会保障工作的通知"
    path = b.document(
        col,
        title,
        issued,
        pub,
        number=f"{DOC_PREFIX}发〔2016〕52号",
        normative=False,
        paragraphs=paras,
        extra=f'<p>原文链接：<a href="{UNRESOLVABLE}">临江市人社局旧版网站</a></p>',
    )
    items.append(Item(title, path, pub, pub))
    b.trap("wrong_word", "国土资源部 on a 2016 page: correct then", page=path, term="国土资源部")
    b.plant("broken_link", "external link to a host that does not resolve", target=UNRESOLVABLE)
    # Data quality: published before it was written, and no 发布日期 at all.
    issued, pub = date(2023, 6, 10), date(2023, 6, 1)
    title = "临江市就业见习管理办法"
    path = b.document(
        col, title, issued, pub, number=f"{DOC_PREFIX}发〔2023〕28号", normative=False
    )
    items.append(Item(title, path, pub, pub))
    b.plant(
        "publication_date_invalid", "发布日期 2023-06-01 precedes 成文日期 2023-06-10", page=path
    )
    issued = date(2023, 4, 18)
    title = "临江市技能人才评价工作规程"
    path = f"/zcwj/content_{b.new_id()}.html"  # Hanweb-style URL: no date in it
    b.document(
        col, title, issued, None, number=f"{DOC_PREFIX}发〔2023〕19号", normative=False, path=path
    )
    items.append(Item(title, path, None, date(2023, 4, 20)))
    b.plant("publication_date_missing", "document page has no 发布日期", page=path)
    b.list_pages(col, items)
    return items


def gfxwj(b: SiteBuilder) -> dict[str, Item]:
    """规范性文件: the bureau's 7-day rule (published within 7 days of 成文)."""
    col = Column("gfxwj", "规范性文件", "table", parent=XXGK)
    docs: dict[str, Item] = {}
    seq = 1

    def doc(key: str, issued: date, pub: date, **kw: Any) -> str:
        nonlocal seq
        title = kw.pop("title", None) or b.w.title("policy", issued.year)
        number = f"{DOC_PREFIX}规〔{issued.year}〕{seq}号"
        seq += 1
        path = b.document(col, title, issued, pub, number=number, normative=True, **kw)
        docs[key] = Item(title, path, pub, pub)
        return path

    for n, d in enumerate(b.dates(b.ago(50), 8, gap=(20, 50))):
        doc(f"filler{n}", d - timedelta(days=b.rng.randint(1, 5)), d)
    empty = "/gfxwj/202311/P020231120389412.pdf"
    b.put(empty, b"", "application/pdf")
    path = doc(
        "late",
        date(2023, 11, 8),
        date(2023, 11, 20),
        title="临江市职业技能培训补贴管理办法",
        extra=f'<p>附件：<a href="{empty}">职业技能培训补贴申请表.pdf</a></p>',
    )
    b.plant(
        "overdue_publication", "规范性文件 published 12 days after 成文 (7-day rule)", page=path
    )
    b.plant("broken_link", "an empty (0-byte) attachment", target=empty)
    doc_file = "/gfxwj/202312/P020231208517736.doc"
    form = office_html(
        "失业保险稳岗返还申请表",
        [["单位名称", "", "统一社会信用代码", ""], ["参保人数", "", "申请金额（元）", ""]],
        app="Word",
    )
    b.put(doc_file, form, "application/msword", behaviour="head_refused")
    path = doc(
        "on_time",
        date(2023, 12, 1),
        date(2023, 12, 8),
        title="临江市失业保险稳岗返还经办规程",
        extra=f'<p>附件：<a href="{doc_file}">稳岗返还申请表.doc</a></p>',
    )
    b.trap("overdue_publication", "规范性文件 published exactly 7 days after 成文", page=path)
    b.trap("broken_link", "attachment refuses HEAD (405) but serves GET", target=doc_file)
    pdf = "/gfxwj/202401/P020240105662103.pdf"
    full_text = [
        ["临江市灵活就业人员社会保险补贴办法", "第一条　为促进灵活就业，制定本办法。"],
        [
            "第十条　严厉打击网络赌博等违法活动中骗取补贴的行为。",
            "第十一条　本办法自发布之日起施行。",
        ],
    ]
    b.put(pdf, pdf_file(full_text), "application/pdf")
    b.plant(
        "sensitive_word",
        "a policy pdf that speaks of fighting 网络赌博: a 提示 for the staff (警示语境)",
        page=pdf,
        term="网络赌博",
        severity="minor",
        linked_from="/gfxwj/",
    )
    doc(
        "policy_e",
        date(2024, 1, 2),
        date(2024, 1, 5),
        title="临江市灵活就业人员社会保险补贴办法",
        extra=f'<p>附件：<a href="{pdf}">政策全文.pdf</a></p>',
    )
    b.list_pages(col, list(docs.values()))
    return docs


def zcjd(b: SiteBuilder, policies: list[Item], normative: dict[str, Item]) -> list[Item]:
    """政策解读: published with its policy (同步发布); each links to the policy it explains."""
    col = Column("zcjd", "政策解读", "span")
    items = []
    for policy in policies[:6]:  # the newest fillers: each 解读 the same day as its policy
        items.append(_interpretation(b, col, policy, policy.published))
    late = normative["policy_e"]
    pub = date(2024, 1, 19)  # 10 working days after 2024-01-05
    items.append(_interpretation(b, col, late, pub, jgzn=True))
    b.plant(
        "overdue_publication",
        "政策解读 published 10 working days after its policy",
        page=items[-1].path,
    )
    same = normative["on_time"]
    items.append(_interpretation(b, col, same, same.published))
    b.trap(
        "overdue_publication", "政策解读 published the same day as its policy", page=items[-1].path
    )
    soft = "/zcjd/202205/t20220510_998877.html"
    items.append(
        Item("《临江市就业困难人员认定办法》政策解读", soft, date(2022, 5, 10), date(2022, 5, 10))
    )
    gone = mk.article_body(
        "页面不存在", "", ["抱歉，您访问的页面不存在或已被删除！", "请返回首页继续浏览。"]
    )
    b.page(soft, "页面不存在", [], gone)
    b.plant("broken_link", "soft 404: status 200 with a 页面不存在 page", target=soft)
    b.list_pages(col, items)
    return items


def _interpretation(
    b: SiteBuilder, col: Column, policy: Item, pub: date, jgzn: bool = False
) -> Item:
    title = f"一图读懂《{policy.title.removeprefix('关于')}》"
    paras = [
        f"近日，{BUREAU}印发了《{policy.title}》。为便于社会公众理解，现就有关内容解读如下。",
        *b.w.paragraphs(pub.year, 3),
    ]
    extra = f'<p>政策原文：<a href="{policy.path}">{escape(policy.title)}</a></p>'
    if jgzn:
        extra += jgzn_link()
    return Item(title, b.article(col, title, pub, paras, extra=extra), pub, pub)
