"""Compare the served OpenAPI document with a saved one: python scripts/openapi_diff.py SAVED.json

Prints the operations (method, path, operationId) and schema names that differ, then a unified diff of
the rest; exit status 1 when anything differs. Save one first with --save SAVED.json.
"""

from __future__ import annotations

import difflib
import json
import os
import sys


def current() -> dict:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    from config.api import api

    return api.get_openapi_schema()


def dump(doc: dict) -> str:
    return json.dumps(doc, ensure_ascii=False, indent=1, sort_keys=True)


def main(argv: list[str]) -> int:
    if len(argv) == 3 and argv[1] == "--save":
        with open(argv[2], "w", encoding="utf-8") as f:
            f.write(dump(current()))
        return 0
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    with open(argv[1], encoding="utf-8") as f:
        saved = json.load(f)
    now = current()
    ops = lambda d: {(m, p, o.get("operationId")) for p, v in d["paths"].items() for m, o in v.items()}  # noqa: E731
    for sign, rows in (("-", ops(saved) - ops(now)), ("+", ops(now) - ops(saved))):
        for row in sorted(rows):
            print(sign, *row)
    names = lambda d: set(d.get("components", {}).get("schemas", {}))  # noqa: E731
    for sign, rows in (("-", names(saved) - names(now)), ("+", names(now) - names(saved))):
        for name in sorted(rows):
            print(sign, "schema", name)
    diff = list(difflib.unified_diff(dump(saved).splitlines(), dump(now).splitlines(), lineterm="", n=2))
    print("\n".join(diff[:400]))
    return 1 if diff else 0


if __name__ == "__main__":
    sys.path.insert(0, os.getcwd())
    raise SystemExit(main(sys.argv))
