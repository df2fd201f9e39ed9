"""`watchfloor config show`: the effective configuration (environment and `.env`), secrets redacted.

With a receivers file (WATCHFLOOR_RECEIVERS_FILE) it also shows `receivers`: each receiver as
the file defines it, and for each secret only the variable it is read from.
"""

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
    config = settings.redacted()
    failed = False
    if settings.receivers_file is not None:
        receivers, failed = _receivers(settings)
        config["receivers"] = receivers
    sys.stdout.write(render(config, args.format))
    return 1 if failed else 0


def _receivers(settings) -> tuple[dict | None, bool]:
    """The file's receivers, redacted (None when the file has errors, printed on stderr)."""
    from ..runtime import load_receivers_file
    from ..settings import redact_value

    loaded = load_receivers_file(settings, need_secrets=False)
    for diagnostic in loaded.diagnostics:
        print(f"{'' if diagnostic.severity == 'error' else 'warning: '}{diagnostic}", file=sys.stderr)
    if loaded.errors:
        return None, True
    shown = {}
    for name, receiver in loaded.receivers.items():
        fields = receiver.redacted()
        # URLs and header values may carry credentials; variable names are no secret.
        for key in ("url", "base_url", "headers"):
            if key in fields:
                fields[key] = redact_value(key, fields[key])
        shown[name] = fields
    return shown, False
