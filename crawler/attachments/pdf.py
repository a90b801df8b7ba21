"""PDF text with pypdf, page by page (a page without a text layer: a scan)."""

from __future__ import annotations

import io
import logging
import re

from govaudit.crawler.attachments.text import (
    AttachmentText,
    Limits,
    TextBuilder,
    Unreadable,
    clean_text,
)


def read_pdf(body: bytes, fmt: str, limits: Limits) -> AttachmentText:
    from pypdf import PdfReader
    from pypdf.errors import FileNotDecryptedError

    logging.getLogger("pypdf").setLevel(logging.ERROR)  # broken xref tables warn per object
    reader = PdfReader(io.BytesIO(body), strict=False)
    if reader.is_encrypted:
        # Many bureaus "protect" pdfs with an owner password only (no printing/copying); the empty
        # user password opens them and the text is public anyway.
        try:
            opened = reader.decrypt("")
        except Exception as exc:
            raise Unreadable("encrypted", f"无法解密（{type(exc).__name__}）") from exc
        if not opened:
            raise Unreadable("encrypted", "需要密码才能打开")
    out = TextBuilder(limits)
    try:
        pages = reader.pages
        count = len(pages)
    except FileNotDecryptedError as exc:
        raise Unreadable("encrypted", "需要密码才能打开") from exc
    for number in range(min(count, limits.max_pages)):
        if out.full():
            break
        text = pages[number].extract_text() or ""
        out.add(_SOFT_WRAP.sub("", clean_text(text)), f"第{number + 1}页")
    if count > limits.max_pages and out.truncated is None:
        out.truncated = "pages"
    result = out.result(fmt)
    if count and not result.text.strip():
        raise Unreadable("scanned", f"{count} 页没有文字层（可能是扫描图片）")
    return result


# A pdf breaks a Chinese paragraph at every visual line end; a term split over two lines must still
# be found, so a line break between two ideographs (or after a comma) is dropped. Sentence ends
# (。！？：；) keep theirs: those are real paragraph or heading ends.
_SOFT_WRAP = re.compile(r"(?<=[\u3400-\u9fff，、（《“‘])\n(?=[\u3400-\u9fff，、。）》”’])")
