"""`python -m govaudit.sample_site [--port N]`: serve the sample site by hand until Ctrl-C."""

from __future__ import annotations

import argparse
import json
import sys
import time
from datetime import date
from pathlib import Path

from govaudit.sample_site import DEMO_AS_OF, build_site
from govaudit.sample_site.server import serve


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m govaudit.sample_site",
        description="在 127.0.0.1 上启动自带的示例单位网站（按 Ctrl-C 停止）。",
    )
    parser.add_argument(
        "--port", type=int, default=0, help="127.0.0.1 上的端口（默认：任选一个空闲端口）"
    )
    parser.add_argument(
        "--as-of",
        type=date.fromisoformat,
        default=DEMO_AS_OF,
        help=f"站点内容的基准日 YYYY-MM-DD（默认 {DEMO_AS_OF}）",
    )
    parser.add_argument("--seed", type=int, default=7, help="生成站点的随机种子（默认 7）")
    parser.add_argument("--answer-key", type=Path, help="同时把答案（预埋问题，JSON）写到此文件")
    args = parser.parse_args(argv)
    site = build_site(args.as_of, args.seed)
    if args.answer_key:
        args.answer_key.write_text(
            json.dumps(site.answer_key(), ensure_ascii=False, indent=1), encoding="utf-8"
        )
    with serve(site, port=args.port) as server:
        print(f"示例站点（基准日 {args.as_of}）：{server.url}", flush=True)
        print(f"审计它：govaudit audit {server.url} --as-of {args.as_of} --out OUT", flush=True)
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
