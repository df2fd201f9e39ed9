"""`watchfloor schemas`: the JSON Schemas of report, event and alert payloads."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from .common import sub

REGENERATE = "watchfloor schemas --write docs/schemas"


def add_parser(subs) -> None:
    parser = sub(subs, "schemas", "print, write or check the JSON Schemas of report, event and alert payloads",
                 f"{REGENERATE}   |   watchfloor schemas --check   |   watchfloor schemas event")
    parser.add_argument("name", nargs="?", choices=["report", "event", "alert"],
                        help="print only this schema (default: all three, as one JSON object by name)")
    parser.add_argument("--write", metavar="DIR", type=Path, help="write DIR/{report,event,alert}.schema.json")
    parser.add_argument("--check", metavar="DIR", type=Path, nargs="?", const=Path("docs/schemas"),
                        help="exit 1 when the files in DIR (default: docs/schemas) differ from the models")
    parser.set_defaults(run=run)


def run(args) -> int:
    from .. import schemas

    if args.write:
        for path in schemas.write(args.write):
            print(f"wrote {path}", file=sys.stderr)
    if args.check:
        stale = schemas.stale(args.check)
        if stale:
            print(f"{args.check}: out of date with the models: {', '.join(stale)}; run `watchfloor schemas "
                  f"--write {args.check}` and commit the result", file=sys.stderr)
            return 1
        print(f"{args.check}: up to date (schema_version {schemas.schema_version()})", file=sys.stderr)
    if not args.write and not args.check:
        if args.name:
            sys.stdout.write(schemas.render(schemas.build(args.name)))
        else:
            sys.stdout.write(json.dumps({n: schemas.build(n) for n in schemas.names()}, indent=2, ensure_ascii=False) + "\n")
    return 0
