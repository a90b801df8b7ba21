"""`govaudit import-list FILE.xlsx --profile P`: an outside problem list (and 发文登记) into the store."""

from __future__ import annotations

import argparse
from pathlib import Path

from rich.console import Console

from govaudit.audit import EXIT_OK
from govaudit.core.config import (
    AuditConfig,
    ConfigError,
    is_multi_site,
    load_config,
    load_sites,
    today_in_china,
)
from govaudit.core.masking import mask
from govaudit.core.outside_records import STATUSES
from govaudit.core.store import Store
from govaudit.outside_lists import import_outside_list


def add_import_list_command(sub: argparse._SubParsersAction) -> None:
    imp = sub.add_parser(
        "import-list",
        help="导入市公开办、省办、国办或服务商发来的问题清单（xlsx，可含发文登记），跟踪其整改",
    )
    imp.add_argument("xlsx", type=Path, help="问题清单 .xlsx")
    imp.add_argument("--profile", required=True, type=Path, help="站点配置文件（[outside_lists]）")
    imp.add_argument("--site", help="多站点配置：清单所属的站点")
    imp.add_argument(
        "--db",
        type=Path,
        default=Path("govaudit.db"),
        help="审计所用的 SQLite 数据库（默认 govaudit.db）",
    )
    imp.add_argument(
        "--source",
        help="清单来源，如 市公开办（对应配置 [outside_lists.<来源>]；默认：文件名）",
    )


def cmd_import_list(args: argparse.Namespace, console: Console) -> int:
    config = _profile(args.profile, args.site)
    if not args.db.exists():
        raise ConfigError(f"--db {args.db}：文件不存在（请用 --db 指明审计所用的数据库）")
    source = mask((args.source or args.xlsx.stem).strip())  # a file name may hold a number
    if not source:
        raise ConfigError("--source 不能为空")
    store = Store(args.db)
    try:
        result = import_outside_list(store, args.xlsx, config, source, today_in_china())
    finally:
        store.close()
    console.print(
        f"{config.site_name}：从「{source}」导入问题 {result.rows} 条（新增 {result.new_rows} 条"
        + (f"，更新整改时限 {result.new_deadlines} 条" if result.new_deadlines else "")
        + "）"
        + (
            f"，发文登记 {result.documents} 件（新增 {result.new_documents} 件）"
            if result.documents
            else ""
        ),
        markup=False,
        highlight=False,
        soft_wrap=True,
    )
    if result.audit_id is None:
        console.print("  尚无完成的审计：下次审计后给出各条的整改状态", markup=False)
    else:
        counts = "，".join(f"{s} {result.statuses[s]} 条" for s in STATUSES if result.statuses[s])
        console.print(
            f"  对照审计 #{result.audit_id}：{counts or '没有问题条目'}",
            markup=False,
            highlight=False,
        )
    return EXIT_OK


def _profile(path: Path, site: str | None) -> AuditConfig:
    if not path.exists():
        raise ConfigError(f"--profile {path}：文件不存在")
    if not is_multi_site(path):
        if site:
            raise ConfigError("--site 需要多站点配置（--profile 中的 [sites.<key>] 表）")
        return load_config(path)
    profiles = load_sites(path)
    if site not in profiles:
        known = ", ".join(profiles)
        raise ConfigError(f"{path} 是多站点配置：请用 --site 指明站点（已有站点：{known}）")
    return profiles[site].config()
