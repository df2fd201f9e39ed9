"""`watchfloor config show`: the effective configuration (environment and `.env`), secrets redacted."""

from __future__ import annotations

import json
import sys

from .common import sub


def add_parser(subs) -> None:
    parser = sub(subs, "config", "show the effective configuration (WATCHFLOOR_* variables and .env); secrets redacted",
                 "watchfloor config show --format json | jq .kafka_bootstrap")
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    show = sub(actions, "show", "print every setting with its effective value; tokens, passwords and "
                                "credentials in URLs are printed as **********",
               "watchfloor config show --format json | jq .kafka_bootstrap")
    show.add_argument("--format", choices=["yaml", "json"], default="yaml", help="output format (default: yaml)")
    show.set_defaults(run=run)


def render(config: dict, fmt: str) -> str:
    if fmt == "json":
        return json.dumps(config, indent=2, ensure_ascii=False) + "\n"
    import yaml

    return yaml.safe_dump(config, sort_keys=False, allow_unicode=True, default_flow_style=False)


def run(args) -> int:
    from pydantic import ValidationError

    from ..settings import Settings

    try:
        settings = Settings()
    except ValidationError as exc:
        # pydantic echoes the refused input; a mistyped secret must not reach the terminal.
        for error in exc.errors():
            where = ".".join(str(p) for p in error["loc"])
            print(f"config: WATCHFLOOR_{where.upper()}: {error['msg']}", file=sys.stderr)
        return 2
    sys.stdout.write(render(settings.redacted(), args.format))
    return 0
