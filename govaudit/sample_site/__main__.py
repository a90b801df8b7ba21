"""`python -m govaudit.sample_site [--port N]`: serve the sample site by hand until Ctrl-C."""

from __future__ import annotations

import argparse
import json
import sys
import time
from datetime import date
from pathlib import Path

from govaudit.sample_site.generator import DEMO_AS_OF, build_site
from govaudit.sample_site.server import serve


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m govaudit.sample_site", description="Serve the sample bureau site."
    )
    parser.add_argument("--port", type=int, default=0, help="port on 127.0.0.1 (default: free)")
    parser.add_argument("--as-of", type=date.fromisoformat, default=DEMO_AS_OF)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--answer-key", type=Path, help="also write the answer key (JSON) here")
    args = parser.parse_args(argv)
    site = build_site(args.as_of, args.seed)
    if args.answer_key:
        args.answer_key.write_text(
            json.dumps(site.answer_key(), ensure_ascii=False, indent=1), encoding="utf-8"
        )
    with serve(site, port=args.port) as server:
        print(f"sample site (as of {args.as_of}): {server.url}", flush=True)
        print(
            f"audit it with: govaudit audit {server.url} --as-of {args.as_of} --out OUT", flush=True
        )
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
