"""Navigation, headers and footers: the parts of a page every page of the site repeats."""

from __future__ import annotations

import functools
import re

from lxml import etree

# Matched as whole class/id token, as a prefix (navbar, menu_list), or as a separated suffix
# (main-nav, site_footer).
_STRONG_BP = ("nav", "menu", "header", "footer", "copyright", "daohang", "banquan")
# Matched only as the whole token or followed by a separator and a container word: `head` must not
# hit `headline` or `list-head`, `top` must not hit `topnews`.
_WEAK_BP = ("head", "top", "foot", "bottom", "dh", "bq", "banner")
_CONTAINER_WORDS = r"(?:\d*|[-_](?:\d+|box|bar|wrap|wrapper|bg|con|content|inner|main|area|div|nav|menu|link|links|info|container|line))"
_STRONG_RE = re.compile(rf"^(?:{'|'.join(_STRONG_BP)})|[-_](?:{'|'.join(_STRONG_BP)})\d*$")
_WEAK_RE = re.compile(rf"^(?:{'|'.join(_WEAK_BP)}){_CONTAINER_WORDS}$")
_BP_TAGS = {"nav", "header", "footer"}
SKIP_TAGS = {
    "script",
    "style",
    "noscript",
    "template",
    "head",
    "title",
    "meta",
    "link",
    "iframe",
    "object",
    "select",
    "option",
}


def tokens(el: etree._Element) -> list[str]:
    classes, ident = el.get("class"), el.get("id")
    if classes is None and ident is None:
        return []
    return f"{classes or ''} {ident or ''}".lower().split()


def _is_bp_element(el: etree._Element) -> bool:
    tag = el.tag if isinstance(el.tag, str) else ""
    if tag in ("html", "body"):
        return False
    if tag in _BP_TAGS:
        # An HTML5 <article>'s own <header>/<footer> hold its heading and date, not site chrome.
        return not any(a.tag in ("article", "main") for a in el.iterancestors())
    classes, ident = el.get("class"), el.get("id")
    if classes is None and ident is None:
        return False
    return _bp_names(f"{classes or ''} {ident or ''}") and not _holds_prose(el)


# A run of prose this long is an article's, never a menu's, a header's or a footer's (their
# texts are link names, and addresses split by spaces): a block named like chrome that holds one
# is the page's content (常州's div.menu_con wraps the article under the menu).
_PROSE = re.compile(r"[\u4e00-\u9fff，。、；：“”（）《》]{80,}")


# The long text nodes only, found in C: the test runs on every chrome-named block of a page.
_LONG_TEXTS = etree.XPath(
    ".//text()[string-length(.) >= 80][not(ancestor::script)][not(ancestor::style)]",
    smart_strings=False,
)


def _holds_prose(el: etree._Element) -> bool:
    return any(_PROSE.search(text) for text in _LONG_TEXTS(el))


@functools.lru_cache(maxsize=4096)
def _bp_names(names: str) -> bool:
    """Whether a class/id attribute pair names boilerplate; memoised across pages, a pure
    function: a site's templates repeat the same few class names on every page."""
    return any(_STRONG_RE.search(t) or _WEAK_RE.match(t) for t in names.lower().split())


class Boilerplate:
    """Memoised "is this element inside nav/header/footer" test.

    The per-page helpers (`Boilerplate`, `Texts`, `Resolver`, `SameList`) are asked through
    named methods, not `__call__`: calling an instance costs CPython twice a method call, and they
    are asked a few hundred times per page."""

    def __init__(self) -> None:
        self._cache: dict[etree._Element, bool] = {}

    def contains(self, el: etree._Element) -> bool:
        """Whether the element is inside nav/header/footer (or is one)."""
        found = self._cache.get(el)
        return self._climb(el) if found is None else found

    def entered(self, el: etree._Element) -> bool:
        """Whether a walk down from <body> (or <html>), which never enters boilerplate, must skip
        `el`: no ancestor of `el` is boilerplate, so `el` is inside boilerplate exactly when it is
        boilerplate itself. Remembered, with all that a skipped element holds, so that the links
        and rows of the page are answered from the walk instead of climbing to the root again."""
        self._cache[el] = found = _is_bp_element(el)
        if found:
            for inner in el.iterdescendants():
                self._cache[inner] = True
        return found

    def _climb(self, el: etree._Element) -> bool:
        """Up to the nearest ancestor already known, then down again, testing the elements on
        the way only while none above them is boilerplate: the links of a menu are answered
        by the menu, which the visible-text walk found, without testing each of its items."""
        chain = []
        node: etree._Element | None = el
        while node is not None and node not in self._cache:
            chain.append(node)
            node = node.getparent()
        inside = False if node is None else self._cache[node]
        for element in reversed(chain):
            inside = inside or _is_bp_element(element)
            self._cache[element] = inside
        return inside
