"""What a person reads for the keys and values of an audit event's ``data``: words, not internal keys.

One table of field labels (``FIELD_LABELS``, gettext_lazy: Chinese in Chinese, English in English) and one
way to name a value:

- ``True``/``False`` read 是/否, ``None`` reads —;
- an ISO date or datetime is formatted in the active language (``DATE_FORMAT``/``DATETIME_FORMAT``);
- a choice value (``in_progress``, ``working_days``) reads as its ``TextChoices`` label. Audit sits below
  every app that writes events, so it imports none of their enums: it reads the choices of the models'
  fields through Django's app registry (the field of that name in the event's app first, then any choice
  field of that app, then any app), and apps add enums that are on no model field with
  ``register_values`` in their ``AppConfig.ready()``;
- lists and small mappings are named item by item.

A key the table does not know falls back to the verbose name of a model field of that name, and at last
to its words (``elected_on`` → "elected on"), never the raw snake_case; ``has_label`` tells whether the
table knows it (a test holds every key the matrix world writes to it).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from functools import cache
from typing import Any

from django.apps import apps
from django.db import models
from django.utils import formats, timezone
from django.utils.translation import gettext

from gongzhi.audit.field_labels import FIELD_LABELS

_EXTRA_FIELDS: dict[str, Any] = {}
# app label → {field name → {value → label}}, from register_values (enums on no model field)
_EXTRA_VALUES: dict[str, dict[str, dict[str, Any]]] = {}

RAW_KEY = re.compile(r"^[a-z][a-z0-9]*(?:_[a-z0-9]+)+$")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_ISO_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}")
MAX_VALUE = 80


def register_fields(labels: Mapping[str, Any]) -> None:
    """Add field labels (``{"elected_on": _("当选日期")}``) for keys an app's events carry."""
    _EXTRA_FIELDS.update(labels)


def register_values(app_label: str, enum: Any, *, fields: Iterable[str] = ("*",)) -> None:
    """Name the values of ``enum`` (a TextChoices) for the ``fields`` of ``app_label``'s events ("*":
    any field of them). For enums on no model field; those on a model field are found by themselves."""
    table = _EXTRA_VALUES.setdefault(app_label, {})
    for name in fields:
        table.setdefault(name, {}).update(dict(enum.choices))
    _choices.cache_clear()


def has_label(key: str) -> bool:
    return key in FIELD_LABELS or key in _EXTRA_FIELDS


def field_label(key: str, event_type: str = "") -> str:
    label = FIELD_LABELS.get(key) or _EXTRA_FIELDS.get(key)
    if label is not None:
        return str(label)
    verbose = _verbose_names(_app_of(event_type)).get(key) or _verbose_names("").get(key)
    if verbose is not None:
        return str(verbose)
    return readable(key)


def readable(key: str) -> str:
    """The words of an internal key: ``elected_on`` → "elected on"."""
    return key.replace("_", " ").strip() or key


def value_label(key: str, value: Any, event_type: str = "") -> str:
    """The value as a person reads it in the active language, cut to ``MAX_VALUE`` characters."""
    text = _named(key, value, _app_of(event_type))
    return text if len(text) <= MAX_VALUE else text[: MAX_VALUE - 1] + "…"


def data_items(data: Any, event_type: str = "") -> list[tuple[str, str]]:
    """An event's data as (label, value) pairs, empty values left out."""
    if not isinstance(data, dict):
        return []
    return [
        (field_label(str(key), event_type), value_label(str(key), value, event_type))
        for key, value in data.items()
        if value not in (None, "", [], {})
    ]


def _app_of(event_type: str) -> str:
    return event_type.split(".", 1)[0] if "." in event_type else ""


def _named(key: str, value: Any, app: str, depth: int = 0) -> str:
    if value is None:
        return "—"
    if isinstance(value, bool):
        return gettext("是") if value else gettext("否")
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, str):
        return _string(key, value, app)
    if isinstance(value, list | tuple):
        return "、".join(_named(key, v, app, depth + 1) for v in value)
    if isinstance(value, dict) and depth < 2:
        parts = [
            f"{field_label(str(k), app + '.')}：{_named(str(k), v, app, depth + 1)}" for k, v in value.items()
        ]
        return "；".join(parts)
    return readable(str(value))


def _string(key: str, value: str, app: str) -> str:
    label = _choice_label(key, value, app)
    if label is not None:
        return str(label)
    if _ISO_DATETIME.match(value):
        try:
            moment = dt.datetime.fromisoformat(value)
        except ValueError:
            pass
        else:
            if timezone.is_aware(moment):
                moment = timezone.localtime(moment)
            return formats.date_format(moment, "DATETIME_FORMAT")
    if _ISO_DATE.match(value):
        try:
            return formats.date_format(dt.date.fromisoformat(value), "DATE_FORMAT")
        except ValueError:
            pass
    if RAW_KEY.match(value):
        return readable(value)
    return value


def _choice_label(key: str, value: str, app: str) -> Any:
    for scope in (app, ""):
        fields = _choices(scope)
        for name in (key, "*"):
            label = fields.get(name, {}).get(value)
            if label is not None:
                return label
    return None


@cache
def _choices(app: str) -> dict[str, dict[str, Any]]:
    """{field name → {value → label}} of the choice fields of ``app``'s models ("": every app), and
    under "*" every value of them. Registered enums come first; a model field's own choices next."""
    table: dict[str, dict[str, Any]] = {}
    registered = [_EXTRA_VALUES.get(app, {})] if app else list(_EXTRA_VALUES.values())
    for extra in registered:
        for name, values in extra.items():
            for value, label in values.items():
                table.setdefault(name, {}).setdefault(value, label)
                table.setdefault("*", {}).setdefault(value, label)
    for model in _models(app):
        for f in model._meta.get_fields():
            choices = getattr(f, "flatchoices", None) if isinstance(f, models.Field) else None
            if not choices:
                continue
            for value, label in choices:
                if isinstance(value, str) and value:
                    table.setdefault(f.name, {}).setdefault(value, label)
                    table.setdefault("*", {}).setdefault(value, label)
    return table


@cache
def _verbose_names(app: str) -> dict[str, Any]:
    """The verbose names that are words of their own (not the field name with spaces) of ``app``'s
    model fields ("": every app)."""
    names: dict[str, Any] = {}
    for model in _models(app):
        for f in model._meta.concrete_fields:
            verbose = f.verbose_name
            if isinstance(verbose, str) and verbose == f.name.replace("_", " "):
                continue
            names.setdefault(f.name, verbose)
            if f.attname != f.name:
                names.setdefault(f.attname, verbose)
    return names


def _models(app: str) -> list[type[models.Model]]:
    if not app:
        return list(apps.get_models())
    try:
        return list(apps.get_app_config(app).get_models())
    except LookupError:
        return []


__all__ = [
    "FIELD_LABELS",
    "data_items",
    "field_label",
    "has_label",
    "readable",
    "register_fields",
    "register_values",
    "value_label",
]
