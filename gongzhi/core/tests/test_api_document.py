"""The /api/v1/ OpenAPI document tells the truth about its shapes: one name, one schema; every operation
declares the one error shape for each refusal the API can give."""

from __future__ import annotations

from collections import defaultdict

from ninja import Schema

from config.api import api

ERROR_STATUSES = (400, 401, 403, 404, 409, 429)


def _subclasses(cls: type[Schema]) -> list[type[Schema]]:
    found: list[type[Schema]] = []
    for sub in cls.__subclasses__():
        found.append(sub)
        found.extend(_subclasses(sub))
    return found


def test_schema_names_are_unique():
    """The document's components are keyed by class name: two different schemas with one name leave
    one operation described with the other's shape (tickets' and volunteers' CountsOut did)."""
    by_name: dict[str, dict[str, dict]] = defaultdict(dict)
    for cls in _subclasses(Schema):
        if cls.__module__.startswith(("gongzhi.", "config.")) and "[" not in cls.__name__:
            by_name[cls.__name__][f"{cls.__module__}.{cls.__qualname__}"] = cls.model_json_schema()
    clashes = {
        name: sorted(where)
        for name, where in by_name.items()
        if len({repr(sorted(s.items())) for s in where.values()}) > 1
    }
    assert clashes == {}


def test_every_operation_declares_the_error_shape():
    document = api.get_openapi_schema()
    missing = []
    for path, methods in document["paths"].items():
        for method, operation in methods.items():
            for status in ERROR_STATUSES:
                content = operation["responses"].get(status, {}).get("content", {})
                ref = content.get("application/json", {}).get("schema", {}).get("$ref", "")
                name = ref.rsplit("/", 1)[-1]
                required = set(document["components"]["schemas"].get(name, {}).get("required", []))
                if not name or required - {"code", "message"}:
                    missing.append(f"{method.upper()} {path} {status}")
    assert missing == []
