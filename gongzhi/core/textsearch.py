"""Chinese full-text search that finds 2-character words (路灯, 噪音), on SQLite and PostgreSQL alike.

Trigram indexes cannot match a 2-character word, and PostgreSQL's text-search parsers depend on the
database locale for CJK characters. So text is indexed as its terms — every pair of adjacent CJK
characters (bigrams), every single CJK character's run start, and every run of letters or digits, lower
case — stored space-padded in one column (" 路灯 灯不 不亮 3 号楼 ").

A query is split the same way and every term must be present. On PostgreSQL the column is indexed as a
text array (GIN, see the tickets migration) and matched with ``@>``; elsewhere by ``LIKE '% term %'``.
"""

from __future__ import annotations

import re

from django.db import connection
from django.db.models import Q, QuerySet

_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
_WORD = re.compile(r"[0-9A-Za-z]+")
MAX_TERMS = 400


def terms_of(text: str) -> list[str]:
    """The distinct terms of ``text``, in order of first appearance."""
    seen: dict[str, None] = {}
    for run in _CJK.findall(text or ""):
        if len(run) == 1:
            seen.setdefault(run, None)
        for i in range(len(run) - 1):
            seen.setdefault(run[i : i + 2], None)
    for word in _WORD.findall(text or ""):
        seen.setdefault(word.lower(), None)
    return list(seen)[:MAX_TERMS]


def index_text(*parts: str) -> str:
    """The value to store in a ``search_text`` column."""
    terms = terms_of(" ".join(p for p in parts if p))
    return f" {' '.join(terms)} " if terms else ""


def query_terms(q: str) -> list[str]:
    """Terms a query needs; a lone CJK character needs a substring match instead (see ``filter_text``)."""
    out: list[str] = []
    for run in _CJK.findall(q or ""):
        if len(run) >= 2:
            out.extend(run[i : i + 2] for i in range(len(run) - 1))
    out.extend(w.lower() for w in _WORD.findall(q or ""))
    return list(dict.fromkeys(out))[:20]


def filter_text(
    qs: QuerySet, q: str, *, column: str = "search_text", raw_fields: tuple[str, ...] = ()
) -> QuerySet:
    """Rows whose indexed text holds every term of ``q``.

    A query of single CJK characters only (e.g. "灯") falls back to a substring match on ``raw_fields``.
    """
    q = (q or "").strip()
    if not q:
        return qs
    terms = query_terms(q)
    if not terms:
        singles = _CJK.findall(q)
        if not singles or not raw_fields:
            return qs.none()
        cond = Q()
        for field in raw_fields:
            cond |= Q(**{f"{field}__contains": singles[0]})
        return qs.filter(cond)
    if connection.vendor == "postgresql":
        table = qs.model._meta.db_table
        # Only the table and column names (ours) are formatted in; the terms go as a parameter.
        where = f"string_to_array(btrim({table}.{column}), ' ') @> %s::text[]"
        return qs.extra(where=[where], params=[terms])  # noqa: S610
    for term in terms:
        qs = qs.filter(**{f"{column}__contains": f" {term} "})
    return qs


def postgres_index_sql(table: str, column: str = "search_text") -> tuple[str, str]:
    """(create, drop) SQL for the GIN index the PostgreSQL branch of ``filter_text`` uses."""
    name = f"{table}_{column}_terms_gin"
    return (
        f"CREATE INDEX IF NOT EXISTS {name} ON {table} USING gin (string_to_array(btrim({column}), ' '))",
        f"DROP INDEX IF EXISTS {name}",
    )
