"""The site profile (TOML) and CLI flags, validated once into a frozen `AuditConfig`.

Every mistake raises `ConfigError` with one line naming the key; the CLI prints it and exits 2.
Check sections (`[checks.<name>]`) are validated against the defaults each check declares, so a
check owns its settings and adding one needs no edit here (see `check_rules`).

    [site]    name, start_urls, allowed_hosts
    [crawl]   max_pages, max_depth, concurrency, download_delay, autothrottle, timeout, retries,
              user_agent, obey_robots, include, exclude, max_resource_bytes, parse_workers,
              verify_every_days, render, render_browser, render_concurrency,
              render_timeout, render_max_pages, screenshots, screenshot_max_pages,
              screenshot_max_height;
              [crawl.scrapy] any other Scrapy setting (crawler/settings.py checks its names)
    [checks.<name>]   per check, e.g. [checks.stale_column] thresholds, columns
    [report]  departments, deadline_days, bureau
    [alerts]  wecom_webhook, dingtalk_webhook, dingtalk_secret, report_url, timeout;
              [alerts.email], [alerts.departments.<科室>] (reports/alerts/settings.py checks them)
    [outside_lists]  kinds; [outside_lists.<来源>] the columns of a source's problem list
              (reports/outside_workbook.py and checks/outside_matching.py check them)

A multi-site profile keeps several sites in one file (`load_sites`): shared settings under
`[defaults.crawl]`, `[defaults.checks.<name>]`, `[defaults.report]`, and each site's own sections
under `[sites.<key>.site]`, `[sites.<key>.crawl]`, `[sites.<key>.checks.<name>]`,
`[sites.<key>.report]`. A site's tables are merged over the defaults key by key (a table merges
recursively, so one threshold can change alone; a list or a value replaces the default's). The
key names the site for `--site`, the output folder `OUT/<key>/` and systemd's `%i`, so it is
letters, digits, `_`, `-` and `.` only; `site.name` (the display name) defaults to it. A mistake
names where it is: `sites.portal.crawl.max_pages must be ...` or `defaults.crawl.timeout ...`.
"""

from __future__ import annotations

import math
import re
import tomllib
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

# China has kept UTC+8 without daylight saving since 1991, so a fixed offset is exact.
CHINA_TZ = timezone(timedelta(hours=8), "Asia/Shanghai")

DEFAULT_USER_AGENT = "govaudit/0.1 (+https://github.com/govaudit/govaudit; site self-audit)"


class ConfigError(Exception):
    """A user mistake in the profile or the flags; its message is the one line the user sees."""


def today_in_china() -> date:
    return datetime.now(CHINA_TZ).date()


@dataclass(frozen=True)
class AuditConfig:
    site_name: str
    start_urls: tuple[str, ...]
    allowed_hosts: tuple[str, ...]
    as_of: date
    # Polite defaults: audits run against production sites of small bureaus.
    max_pages: int = 20000
    max_depth: int = 20
    concurrency: int = 2  # parallel requests per host
    download_delay: float = 0.25
    # AutoThrottle: the delay follows the server's latency (starting at 0.25 s at least);
    # off, requests start as fast as `concurrency` and `download_delay` allow (benchmarks).
    autothrottle: bool = True
    timeout: float = 20.0
    retries: int = 2
    user_agent: str = DEFAULT_USER_AGENT
    obey_robots: bool = True
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    max_resource_bytes: int = 20 * 1024 * 1024
    wordlists: tuple[str, ...] = ()  # --wordlist flags (the profile's own are the words check's)
    # The profile's folder: paths a check's settings give are relative to it ("" = none given).
    base_dir: str = ""
    checks: dict[str, dict[str, Any]] = field(default_factory=dict)
    report: dict[str, Any] = field(default_factory=dict)
    alerts: dict[str, Any] = field(default_factory=dict)  # [alerts]: validated by the reports
    # [outside_lists]: the columns of imported problem lists and the kind synonyms
    outside_lists: dict[str, Any] = field(default_factory=dict)
    # Processes that parse pages beside the crawl's own (crawler/page_parser.py); 0: parse inline.
    parse_workers: int = 1
    # A re-audit verifies every page and link target at least this often (days), the homepage,
    # each column's first list pages, news and failed targets every time (crawler/rolling.py);
    # 1: everything, always.
    verify_every_days: int = 7
    # The browser for pages only a script fills (crawler/render.py): URL regexes always rendered,
    # the executable ("auto": Debian's chromium or one on PATH; "off"), and its own politeness:
    # pages open at once, seconds per page, pages per audit.
    render: tuple[str, ...] = ()
    render_browser: str = "auto"
    render_concurrency: int = 2
    render_timeout: float = 30.0
    render_max_pages: int = 200
    # Screenshots as evidence (crawler/screenshots.py), with the same browser: one per page with
    # a 严重 or 重要 finding, at most this many pages, each cut at this height (px, width 1280).
    screenshots: bool = True
    screenshot_max_pages: int = 50
    screenshot_max_height: int = 4000
    # [crawl.scrapy]: any other Scrapy setting by its own name (checked in crawler/settings.py).
    scrapy: dict[str, Any] = field(default_factory=dict)

    def with_overrides(self, **changes: Any) -> AuditConfig:
        return validate(replace(self, **{k: v for k, v in changes.items() if v is not None}))

    def as_dict(self) -> dict[str, Any]:
        """What the store keeps of the profile: all but `[alerts]`, whose webhook tokens and
        signing secret must not travel with a copied database file."""
        return {k: getattr(self, k) for k in self.__dataclass_fields__ if k != "alerts"}


_CRAWL_KEYS = {
    "max_pages": int,
    "max_depth": int,
    "concurrency": int,
    "download_delay": float,
    "autothrottle": bool,
    "timeout": float,
    "retries": int,
    "user_agent": str,
    "obey_robots": bool,
    "include": list,
    "exclude": list,
    "max_resource_bytes": int,
    "parse_workers": int,
    "verify_every_days": int,
    "render": list,
    "render_browser": str,
    "render_concurrency": int,
    "render_timeout": float,
    "render_max_pages": int,
    "screenshots": bool,
    "screenshot_max_pages": int,
    "screenshot_max_height": int,
    "scrapy": dict,
}
_SECTIONS = {"site", "crawl", "checks", "report", "alerts", "outside_lists"}
_DEFAULT_SECTIONS = {"crawl", "checks", "report", "alerts", "outside_lists"}  # not [site]
_SITE_KEY = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")


def load_config(
    path: str | Path | None,
    start_url: str | None = None,
    as_of: date | None = None,
    wordlists: tuple[str, ...] = (),
    **crawl_overrides: Any,
) -> AuditConfig:
    """Read the profile (if any), apply CLI flags on top, and validate the result."""
    raw = _read_toml(Path(path)) if path else {}
    if path and "sites" in raw:
        names = ", ".join(raw["sites"]) if isinstance(raw["sites"], dict) else ""
        raise ConfigError(f"{path} 是多站点配置：请用 --site 选择站点（{names}）")
    base_dir = Path(path).parent if path else Path.cwd()
    return _config_from_raw(raw, base_dir, start_url, as_of, wordlists, None, crawl_overrides)


def _config_from_raw(
    raw: dict[str, Any],
    base_dir: Path,
    start_url: str | None,
    as_of: date | None,
    wordlists: tuple[str, ...],
    default_name: str | None,
    crawl_overrides: dict[str, Any],
) -> AuditConfig:
    unknown = set(raw) - _SECTIONS
    if unknown:
        raise ConfigError(
            f"[{sorted(unknown)[0]}] 不是可用的表（可用：{', '.join(sorted(_SECTIONS))}）"
        )
    site = _table(raw, "site")
    crawl = _table(raw, "crawl")
    checks = _table(raw, "checks")
    for name, section in checks.items():
        if not isinstance(section, dict):
            raise ConfigError(f"checks.{name} 应为表（[checks.{name}]）")
    start_urls = [start_url] if start_url else _as_list(site.get("start_urls", []))
    if not isinstance(start_urls, list):  # written, but neither a list nor a string
        _str_list("site.start_urls", start_urls)
    if not start_urls:
        raise ConfigError(
            "site.start_urls 缺失：请给出起始地址 START_URL，或在配置文件中列出 start_urls"
        )
    _only_keys("site", site, {"name", "start_urls", "allowed_hosts"})
    _only_keys("crawl", crawl, set(_CRAWL_KEYS))
    values: dict[str, Any] = {}
    for key, kind in _CRAWL_KEYS.items():
        if key in crawl:
            values[key] = _typed(f"crawl.{key}", crawl[key], kind)
    for key in ("include", "exclude", "render"):
        if key in values:
            values[key] = tuple(_str_list(f"crawl.{key}", values[key]))
    hosts = _as_list(site.get("allowed_hosts")) or [
        _host(u) for u in start_urls if isinstance(u, str)
    ]
    fallback_name = default_name or _host(str(start_urls[0])) or "site"
    config = AuditConfig(
        site_name=str(site.get("name") or fallback_name),
        start_urls=tuple(_str_list("site.start_urls", start_urls)),
        allowed_hosts=tuple(h.lower() for h in _str_list("site.allowed_hosts", hosts)),
        as_of=as_of or today_in_china(),
        wordlists=tuple(wordlists),
        base_dir=str(base_dir),
        checks=checks,
        report=_table(raw, "report"),
        alerts=_table(raw, "alerts"),
        outside_lists=_table(raw, "outside_lists"),
        **values,
    )
    return config.with_overrides(**crawl_overrides)


@dataclass(frozen=True)
class SiteProfile:
    """One site of a multi-site profile: its sections merged over `[defaults]`.

    Plain data (picklable), so a job queue can carry it; `config()` builds the site's
    AuditConfig with the CLI's flags on top, and `error()` says where a bad key was written."""

    key: str
    raw: dict[str, Any]  # the merged sections: site, crawl, checks, report
    own: dict[str, Any]  # [sites.<key>] as written
    defaults: dict[str, Any]  # [defaults] as written
    path: str  # the profile file: relative wordlists are relative to it

    def config(
        self,
        start_url: str | None = None,
        as_of: date | None = None,
        wordlists: tuple[str, ...] = (),
        **crawl_overrides: Any,
    ) -> AuditConfig:
        try:
            return _config_from_raw(
                self.raw,
                Path(self.path).parent,
                start_url,
                as_of,
                wordlists,
                self.key,
                crawl_overrides,
            )
        except ConfigError as e:
            raise self.error(str(e)) from None

    def error(self, message: str) -> ConfigError:
        """`message` (about a key like `crawl.max_pages`) with the table it was written in."""
        match = re.match(r"(\[?)([A-Za-z_]+(?:\.[\w.-]+)?)", message)
        if not match or match.group(2).split(".")[0] not in _SECTIONS:
            return ConfigError(f"sites.{self.key}: {message}")
        keys = match.group(2).rstrip(".").split(".")
        in_defaults = _has_path(self.defaults, keys) and not _has_path(self.own, keys)
        where = "defaults" if in_defaults else f"sites.{self.key}"
        return ConfigError(f"{match.group(1)}{where}.{message[len(match.group(1)) :]}")


def is_multi_site(path: str | Path) -> bool:
    """Whether the profile holds several sites (`[sites.<key>]` tables)."""
    return "sites" in _read_toml(Path(path))


def load_sites(path: str | Path) -> dict[str, SiteProfile]:
    """Every site of a multi-site profile, in file order, each validated once (as of today).

    Raises ConfigError naming the key (`sites.portal.crawl.max_pages must be ...`). Check
    sections are validated by the roof against each check's defaults (`SiteProfile.error`
    places those messages too)."""
    raw = _read_toml(Path(path))
    for name in raw:
        if name not in ("defaults", "sites"):
            raise ConfigError(
                f"[{name}] 不能与多站点配置的 [sites] 并列：共用的设置放在 [defaults.{name}]，"
                f"各站点自己的放在 [sites.<key>.{name}]"
            )
    defaults = _table(raw, "defaults")
    for name, value in defaults.items():
        if name not in _DEFAULT_SECTIONS:
            known = ", ".join(sorted(_DEFAULT_SECTIONS))
            raise ConfigError(f"defaults.{name} 不是可共用的表（可用：{known}）")
        if not isinstance(value, dict):
            raise ConfigError(f"[defaults.{name}] 应为表")
    sites = _table(raw, "sites")
    if not sites:
        raise ConfigError(f"{path}：[sites] 中没有站点：请添加 [sites.<key>.site] 表")
    profiles: dict[str, SiteProfile] = {}
    for key, own in sites.items():
        if not _SITE_KEY.match(key):
            raise ConfigError(
                f"sites.{key}：站点键只能由字母、数字、_、- 和 . 组成"
                "（它用作输出目录名和 systemd 实例名）"
            )
        if not isinstance(own, dict):
            raise ConfigError(f"[sites.{key}] 应为由各个表组成的表")
        for name, value in own.items():
            if name not in _SECTIONS:
                known = ", ".join(sorted(_SECTIONS))
                raise ConfigError(f"sites.{key}.{name} 不是可用的表（可用：{known}）")
            if not isinstance(value, dict):
                raise ConfigError(f"[sites.{key}.{name}] 应为表")
        profile = SiteProfile(key, _merged(defaults, own), own, defaults, str(path))
        profile.config()  # validate now: one bad site stops the run before any crawl
        profiles[key] = profile
    return profiles


def _merged(defaults: dict[str, Any], own: dict[str, Any]) -> dict[str, Any]:
    """`own` over `defaults`: tables merge key by key, anything else replaces."""
    out = dict(defaults)
    for key, value in own.items():
        base = out.get(key)
        out[key] = (
            _merged(base, value) if isinstance(base, dict) and isinstance(value, dict) else value
        )
    return out


def _has_path(table: Any, keys: list[str]) -> bool:
    for key in keys:
        if not isinstance(table, dict) or key not in table:
            return False
        table = table[key]
    return True


def validate(config: AuditConfig) -> AuditConfig:
    """Checks that hold whatever the source of a value (profile or flag)."""
    for url in config.start_urls:
        try:
            parts = urlsplit(url)
            parts.port  # noqa: B018 (raises ValueError on a port that is not 0-65535)
        except ValueError as e:
            raise ConfigError(f"site.start_urls：{url!r} 不是有效的地址（{e}）") from None
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ConfigError(f"site.start_urls 应为 http(s) 地址，而不是 {url!r}")
        if any(c.isspace() for c in parts.netloc):
            raise ConfigError(f"site.start_urls：{url!r} 的主机名中有空格")
    for key in ("max_pages", "max_depth", "concurrency", "max_resource_bytes", "verify_every_days"):
        if getattr(config, key) < (0 if key == "max_depth" else 1):
            raise ConfigError(f"crawl.{key} 应为正整数")
    for key in ("download_delay", "timeout"):
        value = getattr(config, key)
        if not math.isfinite(value) or value < 0 or (key == "timeout" and value == 0):
            raise ConfigError(f"crawl.{key} 应为正数（秒）")
    if config.retries < 0:
        raise ConfigError("crawl.retries 应为 0 或更大")
    if config.parse_workers not in (0, 1):
        raise ConfigError("crawl.parse_workers 应为 0（在抓取进程内解析）或 1")
    for key in ("render_concurrency", "render_max_pages", "screenshot_max_pages"):
        if getattr(config, key) < 1:
            raise ConfigError(f"crawl.{key} 应为正整数")
    if not math.isfinite(config.render_timeout) or config.render_timeout <= 0:
        raise ConfigError("crawl.render_timeout 应为正数（秒）")
    if not 200 <= config.screenshot_max_height <= 20000:
        raise ConfigError("crawl.screenshot_max_height 应为 200 到 20000 之间的整数（像素）")
    for key in ("include", "exclude", "render"):
        for pattern in getattr(config, key):
            compile_pattern(f"crawl.{key}", pattern)
    return config


def compile_pattern(where: str, pattern: str) -> re.Pattern[str]:
    """A regular expression from the profile, or one line naming its key."""
    try:
        return re.compile(pattern)
    except (re.error, TypeError) as e:
        raise ConfigError(f"{where}：{pattern!r} 不是有效的正则表达式（{e}）") from None


def check_rules(config: AuditConfig, section: str, defaults: dict[str, Any]) -> dict[str, Any]:
    """The `[checks.<section>]` settings merged over a check's defaults, type-checked per key.

    A table default merges key by key (so one threshold can change alone); other values replace."""
    return merged_rules(config.checks.get(section, {}), section, defaults)


def merged_rules(given: dict[str, Any], section: str, defaults: dict[str, Any]) -> dict[str, Any]:
    """`check_rules` of a stored profile's `[checks.<section>]` table (a report of an old audit)."""
    rules = dict(defaults)
    for key, value in given.items():
        where = f"checks.{section}.{key}"
        if key not in defaults:
            known = ", ".join(sorted(defaults)) or "无"
            raise ConfigError(f"{where} 不是可用的设置（可用：{known}）")
        default = defaults[key]
        if isinstance(default, dict):
            if not isinstance(value, dict):
                raise ConfigError(f"{where} 应为表")
            merged = dict(default)
            for sub, sub_value in value.items():
                sample = next(iter(default.values()), None)
                merged[sub] = (
                    _typed(f"{where}.{sub}", sub_value, type(sample))
                    if sample is not None
                    else sub_value
                )
            rules[key] = merged
        elif default is None:
            rules[key] = value
        else:
            rules[key] = _typed(where, value, type(default))
    return rules


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        raw = path.read_bytes()
        # Windows Notepad (记事本) saves UTF-8 with a byte-order mark, which TOML does not allow
        # ("Invalid statement at line 1"): the mark carries no meaning, so it is dropped.
        return tomllib.loads(raw.removeprefix(b"\xef\xbb\xbf").decode("utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"{path}：文件不存在") from None
    except OSError as e:
        raise ConfigError(f"{path}：无法读取（{e.strerror}）") from None
    except tomllib.TOMLDecodeError as e:
        raise ConfigError(f"{path}：不是有效的 TOML（{e}）") from None
    except UnicodeDecodeError as e:  # TOML is UTF-8 by definition; GBK profiles are common
        raise ConfigError(
            f"{path}：不是 UTF-8 编码（第 {e.start} 字节）；请把配置文件另存为 UTF-8"
        ) from None


def _host(url: str) -> str:
    """The URL's host, or "" when it has none or is malformed (`validate` says which)."""
    try:
        return urlsplit(url).hostname or ""
    except ValueError:  # "http://[::1:80/": an unclosed IPv6 bracket
        return ""


def _table(raw: dict[str, Any], name: str) -> dict[str, Any]:
    value = raw.get(name, {})
    if not isinstance(value, dict):
        raise ConfigError(f"[{name}] 应为表")
    return value


def _only_keys(section: str, table: dict[str, Any], known: set[str]) -> None:
    for key in table:
        if key not in known:
            raise ConfigError(f"{section}.{key} 不是可用的设置（可用：{', '.join(sorted(known))}）")


_TYPE_WORDS = {
    int: "整数",
    float: "数字",
    bool: "布尔值（true 或 false）",
    str: "字符串",
    list: "列表",
    dict: "表",
}


def _as_list(value: Any) -> Any:
    """A single string where a list of strings is wanted (`start_urls = "http://..."`): the
    one-element list it obviously means. Anything else is left for the type checks to judge."""
    return [value] if isinstance(value, str) else value


def _typed(where: str, value: Any, kind: type) -> Any:
    if kind is list and isinstance(value, str):
        return [value]
    # bool is an int in Python; TOML keeps them apart, so must we.
    if kind is float and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    if isinstance(value, kind) and not (kind is not bool and isinstance(value, bool)):
        return value
    if kind is int and isinstance(value, int) and not isinstance(value, bool):
        return value
    raise ConfigError(f"{where} 应为{_TYPE_WORDS.get(kind, kind.__name__)}")


def _str_list(where: str, value: Any) -> list[str]:
    if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{where} 应为字符串列表")
    return list(value)
