"""Screenshots as evidence: each page asked for opened in the real browser, its personal numbers
masked in the page, the findings' places outlined, one PNG shot.

The browser is the audit's (crawler/render.py: Debian's chromium through playwright, never a
downloaded one), one page at a time, 1280 px wide, the full page cut at `max_height` (or the
stretch around the first outlined place when that lies lower). Masking happens in the DOM
before the shot: every text node, grouped by the line of text a browser shows them on (inline
elements join, a block ends), goes through govaudit.core.masking's `mask_text_runs`, the rules of
the store and every report, so `<span>1101011990</span><span>03074514</span>` is masked as the one
number it shows; open shadow roots, input values, placeholders and image alt texts too. Then the
page's scripts are stopped (timers cleared, script execution disabled), the DOM is checked again
before and after the shot, and a page whose text changed back keeps no shot.

Bounds: each page `crawl.render_timeout` seconds from opening to shot, whatever it does after
its load; all the shots together `Camera.budget` (300 s). A missing browser, a time-out, a
failing page, the budget spent: that page (or every page) has no shot and the reason in words
(`Screenshot.problem`); nothing raises.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from govaudit.core.masking import mask_in_place, mask_text_runs
from govaudit.core.model import Screenshot

WIDTH = 1280
SHOT_VERSION = 1  # bump when what a shot shows changes (masking, outlining, the cut)
_VIEWPORT_HEIGHT = 900
_MARGIN = 160  # px shown above an outlined place that lies below the cut

# Collects the page's visible text nodes, grouped into the runs a browser lays out as one line
# of text: consecutive nodes with the same nearest non-inline ancestor. Kept on `window` so that
# the masked texts go back into the very nodes read.
_COLLECT = """() => {
  const skip = new Set(["SCRIPT", "STYLE", "NOSCRIPT", "TEMPLATE", "TEXTAREA"]);
  const container = (node) => {
    let el = node.parentElement;
    while (el && el !== document.body && getComputedStyle(el).display.startsWith("inline")) {
      el = el.parentElement;
    }
    return el;
  };
  const runs = [];
  const fields = [];
  // The document, then every open shadow root met in it (a web component's text shows too).
  const roots = [document.documentElement];
  for (let r = 0; r < roots.length; r++) {
    let last = null;
    const walker = document.createTreeWalker(roots[r], NodeFilter.SHOW_TEXT | NodeFilter.SHOW_ELEMENT);
    for (let node = walker.currentNode; node; node = walker.nextNode()) {
      if (node.nodeType === Node.ELEMENT_NODE) {
        if (node.shadowRoot) roots.push(node.shadowRoot);
        if (["INPUT", "TEXTAREA", "IMG"].includes(node.tagName)) fields.push(node);
        continue;
      }
      if (!node.parentElement || skip.has(node.parentElement.tagName)) continue;
      const box = container(node);
      if (runs.length && box === last) runs[runs.length - 1].push(node);
      else runs.push([node]);
      last = box;
    }
  }
  window.__govauditRuns = runs;
  window.__govauditFields = fields;
  return {
    runs: runs.map((run) => run.map((n) => n.data)),
    fields: fields.map((el) => [el.value || "", el.getAttribute("placeholder") || "",
                                el.getAttribute("alt") || ""]),
  };
}"""

_APPLY = """([texts, fields]) => {
  for (const [r, i, text] of texts) window.__govauditRuns[r][i].data = text;
  for (const [f, value, placeholder, alt] of fields) {
    const el = window.__govauditFields[f];
    if ("value" in el && el.tagName !== "IMG") el.value = value;
    if (el.hasAttribute("placeholder")) el.setAttribute("placeholder", placeholder);
    if (el.hasAttribute("alt")) el.setAttribute("alt", alt);
  }
}"""

# No script of the page runs after masking: its timers are cleared (a ticker could write a
# number back between the mask and the shot).
_STILL = """() => {
  const top = setTimeout(() => {}, 0);
  for (let id = 0; id <= top; id++) { clearTimeout(id); clearInterval(id); }
  window.requestAnimationFrame = () => 0;
}"""

# Outlines each element linking to one of `links` and each occurrence of one of `texts`, with a
# box laid over the page (nothing in its layout moves); returns the boxes' tops, in page pixels.
_OUTLINE = """([texts, links]) => {
  const boxes = [];
  const draw = (rect) => {
    if (rect.width === 0 && rect.height === 0) return;
    const box = document.createElement("div");
    box.style.cssText = "position:absolute;z-index:2147483647;pointer-events:none;" +
      "border:3px solid #e53935;background:rgba(255,213,79,.35);box-sizing:border-box;" +
      `left:${rect.left + scrollX - 4}px;top:${rect.top + scrollY - 4}px;` +
      `width:${rect.width + 8}px;height:${rect.height + 8}px`;
    document.documentElement.appendChild(box);
    boxes.push(rect.top + scrollY);
  };
  const wanted = new Set(links);
  for (const el of document.querySelectorAll("[href], [src]")) {
    const target = el.href || el.src;
    if (wanted.has(target) || wanted.has(decodeURI(target))) draw(el.getBoundingClientRect());
  }
  for (const run of window.__govauditRuns) {
    const joined = run.map((n) => n.data).join("");
    for (const text of texts) {
      for (let at = joined.indexOf(text); at >= 0; at = joined.indexOf(text, at + 1)) {
        const range = document.createRange();
        const place = (offset) => {
          for (const node of run) {
            if (offset <= node.data.length) return [node, offset];
            offset -= node.data.length;
          }
          return [run[run.length - 1], run[run.length - 1].data.length];
        };
        range.setStart(...place(at));
        range.setEnd(...place(at + text.length));
        for (const rect of range.getClientRects()) draw(rect);
      }
    }
  }
  return boxes;
}"""


@dataclass(frozen=True)
class ShotRequest:
    """A page to shoot, and what to outline in it: text windows (a term, a masked number, as
    the finding quotes them) and link targets (absolute URLs, as a broken link's). `settle`:
    the page's list came by script (the crawl rendered it), so its requests are waited for.
    `html`: the page as the audit fetched it (its stored copy, masked): the browser is given it
    instead of asking the site for the page again; its style sheets, images and scripts still
    come from the site, each once a session (`_Resources`)."""

    url: str
    texts: tuple[str, ...] = ()
    links: tuple[str, ...] = ()
    settle: bool = False
    html: str | None = None


@dataclass(frozen=True)
class Camera:
    executable: str
    timeout: float  # seconds per page
    max_height: int
    user_agent: str
    # All the shots together: a site whose pages each take the whole `timeout` (a script that
    # never stops, a server that trickles) costs the audit this much at most, not 50 x timeout.
    budget: float = 300.0


def shot_key(request: ShotRequest, camera: Camera) -> str:
    """What a shot of `request` shows, as a digest: the same stored page, the same places
    outlined, the same camera. "" when that is not fixed (no stored copy, or a list its scripts
    fill from the network): such a page is shot every time."""
    if request.html is None or request.settle:
        return ""
    what = [SHOT_VERSION, WIDTH, camera.max_height, request.url, request.texts, request.links]
    raw = json.dumps(what, ensure_ascii=False) + "\n" + request.html
    return hashlib.sha256(raw.encode("utf-8", "surrogatepass")).hexdigest()


def take_screenshots(
    requests: Sequence[ShotRequest], camera: Camera, log: Callable[[str], None]
) -> list[Screenshot]:
    """One Screenshot per request, in order: a PNG, or why none. `log` hears one line for a
    browser that cannot start and one for the first page that fails. Runs its own event loop:
    called after the crawl, whose reactor has stopped."""
    return asyncio.run(_take(requests, camera, log))


async def _take(
    requests: Sequence[ShotRequest], camera: Camera, log: Callable[[str], None]
) -> list[Screenshot]:
    from playwright.async_api import Error, async_playwright

    def unavailable(e: Exception) -> list[Screenshot]:
        why = f"浏览器无法启动（{_first_line(e)}）"
        log(f"截图：{why}，审计继续")
        return [Screenshot(r.url, problem=why) for r in requests]

    try:
        async with async_playwright() as driver:
            try:
                browser = await driver.chromium.launch(
                    executable_path=camera.executable,
                    args=["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
                    headless=True,
                )
            except Error as e:
                return unavailable(e)
            context = await browser.new_context(
                viewport={"width": WIDTH, "height": _VIEWPORT_HEIGHT},
                device_scale_factor=1,
                user_agent=camera.user_agent,
                service_workers="block",
                accept_downloads=False,
            )
            await context.route("**/*", _Resources().answer)
            # One page at a time, never two: headless chromium shooting two pages at once drew
            # the other page into a shot (seen here, 2026-12), and that page may not be masked yet.
            shots: list[Screenshot] = []
            deadline = time.monotonic() + camera.budget
            tab = _Tab(context)
            for request in requests:
                if time.monotonic() > deadline:
                    why = f"截图总用时超过上限（{camera.budget:g} 秒）"
                    shot = Screenshot(request.url, problem=why)
                else:
                    shot = await _shoot_within(tab, request, camera)
                if shot.problem and all(not s.problem for s in shots):  # one line, not one a page
                    log(f"截图失败：{request.url}：{shot.problem}；该页记为无截图，审计继续")
                shots.append(shot)
            await browser.close()
            return shots
    except Error as e:  # the driver itself (node) could not run
        return unavailable(e)


class _Tab:
    """The one browser page the shots are taken in, kept from shot to shot: a new page costs
    ~0.18 s (chromium starts a renderer for it), a third of a shot. A page a shot failed or ran
    out of time in is closed (its renderer may hang), and the next shot opens a new one."""

    def __init__(self, context) -> None:
        self.context = context
        self.page = self.cdp = self.route = None

    async def open(self, request: ShotRequest):
        """The page, ready to load `request`: scripts on again, the last shot's copy unrouted."""
        if self.page is None:
            self.page = await self.context.new_page()
            self.cdp = await self.context.new_cdp_session(self.page)
        else:
            await self.cdp.send("Emulation.setScriptExecutionDisabled", {"value": False})
            if self.route is not None:
                await self.page.unroute(*self.route)
        self.route = None
        if request.html is not None:
            # a predicate, not a glob: a query's ? or a [ would be pattern characters
            self.route = ((lambda url: url == request.url), _serve(request.html))
            await self.page.route(*self.route)
        return self.page

    async def close(self) -> None:
        from playwright.async_api import Error

        page, self.page = self.page, None
        if page is not None:
            try:  # a hung renderer is killed with its page; never wait on it for long
                await asyncio.wait_for(page.close(), 5)
            except (TimeoutError, Error):
                pass


async def _shoot_within(tab: _Tab, request: ShotRequest, camera: Camera) -> Screenshot:
    """`_shoot` bounded as a whole by `timeout`: playwright's own time-outs cover loading and
    the shot, not a page busy after its load (a script that never yields; 100,000 links took
    chromium 90 s to lay out here) on which every evaluate waits."""
    from playwright.async_api import Error
    from playwright.async_api import TimeoutError as PageTimeout

    try:  # a second more than loading may take: a slow server is 打开页面超时, not this
        return await asyncio.wait_for(_shoot(tab, request, camera), camera.timeout + 1)
    except TimeoutError:
        why = f"页面 {camera.timeout:g} 秒内无响应（脚本或排版未结束）"
    except PageTimeout:
        why = f"打开页面超时（{camera.timeout:g} 秒）"
    except Error as e:
        why = f"页面无法打开（{_first_line(e)}）"
    await tab.close()
    return Screenshot(request.url, problem=why)


async def _shoot(tab: _Tab, request: ShotRequest, camera: Camera) -> Screenshot:
    """The shot of `request` in the tab's page, or why none; a playwright error raises."""
    from playwright.async_api import TimeoutError as PageTimeout

    page = await tab.open(request)
    started = time.monotonic()
    response = await page.goto(request.url, wait_until="load", timeout=camera.timeout * 1000)
    if response is not None and response.status >= 400:
        return Screenshot(request.url, problem=f"页面返回 HTTP {response.status}")
    if request.settle:  # a list filled by script: its requests first, within the page's time
        left = camera.timeout - (time.monotonic() - started)
        try:
            await page.wait_for_load_state("networkidle", timeout=max(0.5, min(5.0, left)) * 1000)
        except PageTimeout:
            pass
    await page.evaluate(_STILL)
    await tab.cdp.send("Emulation.setScriptExecutionDisabled", {"value": True})
    for frame in page.frames:
        await _mask_frame(frame)
    if not await _all_masked(page):
        return Screenshot(request.url, problem="页面内容在脱敏后仍在变化，未截图")
    tops = await page.main_frame.evaluate(_OUTLINE, [list(request.texts), list(request.links)])
    full = await page.evaluate("Math.max(document.documentElement.scrollHeight, 1)")
    top = _cut_top(tops, full, camera.max_height)
    height = max(1, min(camera.max_height, full - top))
    png = await page.screenshot(
        full_page=True,
        clip={"x": 0, "y": top, "width": WIDTH, "height": height},
        animations="disabled",
        caret="hide",
        timeout=camera.timeout * 1000,
    )
    if not await _all_masked(page):
        return Screenshot(request.url, problem="页面内容在脱敏后仍在变化，未截图")
    return Screenshot(request.url, png, width=WIDTH, height=height, highlighted=len(tops))


class _Resources:
    """The style sheets, scripts, images and fonts of the pages shot, asked of the site once a
    session (the site's own cache headers aside: many send none), up to a memory bound."""

    TYPES = frozenset({"stylesheet", "script", "image", "font"})
    MAX_ONE, MAX_ALL = 2 * 1024 * 1024, 32 * 1024 * 1024

    def __init__(self) -> None:
        self.kept: dict[str, tuple[int, dict[str, str], bytes]] = {}
        self.size = 0

    async def answer(self, route) -> None:
        from playwright.async_api import Error

        request = route.request
        if request.method != "GET" or request.resource_type not in self.TYPES:
            await route.continue_()
            return
        kept = self.kept.get(request.url)
        try:
            if kept is None:
                response = await route.fetch()
                body = await response.body()
                headers = {
                    k: v
                    for k, v in response.headers.items()
                    if k.lower() not in ("content-encoding", "content-length", "transfer-encoding")
                }
                kept = (response.status, headers, body)
                if len(body) <= self.MAX_ONE and self.size + len(body) <= self.MAX_ALL:
                    self.kept[request.url] = kept
                    self.size += len(body)
            status, headers, body = kept
            await route.fulfill(status=status, headers=headers, body=body)
        except Error:  # the site did not answer, or the page was closed meanwhile
            try:
                await route.abort()
            except Error:
                pass


def _serve(html: str):
    """A route handler answering the page's own navigation with `html` (UTF-8, whatever its meta
    tag says: the header's charset wins); any other request to the same URL goes to the site."""

    async def answer(route) -> None:
        if route.request.is_navigation_request() and route.request.frame.parent_frame is None:
            await route.fulfill(
                status=200, content_type="text/html; charset=utf-8", body=html.encode("utf-8")
            )
        else:
            await route.continue_()

    return answer


async def _mask_frame(frame) -> None:
    """Every personal number in the frame's text and fields masked, in place."""
    found = await frame.evaluate(_COLLECT)
    texts = []
    for r, run in enumerate(found["runs"]):
        for i, (before, after) in enumerate(zip(run, mask_text_runs(run), strict=True)):
            if before != after:
                texts.append([r, i, after])
    fields = [
        [f, *masked]
        for f, values in enumerate(found["fields"])
        if (masked := [mask_in_place(v) for v in values]) != values
    ]
    if texts or fields:
        await frame.evaluate(_APPLY, [texts, fields])


async def _all_masked(page) -> bool:
    """Masking the page again would change nothing: no number came back."""
    for frame in page.frames:
        found = await frame.evaluate(_COLLECT)
        if any(mask_text_runs(run) != run for run in found["runs"]):
            return False
        if any(mask_in_place(v) != v for values in found["fields"] for v in values):
            return False
    return True


def _cut_top(tops: list[float], full: int, max_height: int) -> int:
    """Where the shot starts: the page's top, unless the first outlined place lies below the cut."""
    if not tops or full <= max_height:
        return 0
    first = min(tops)
    if first < max_height - _MARGIN:
        return 0
    return int(min(first - _MARGIN, full - max_height))


def _first_line(error: Exception) -> str:
    text = str(error).strip().splitlines()
    return (text[0] if text else type(error).__name__)[:200]
