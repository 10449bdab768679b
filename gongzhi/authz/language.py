"""Every console and H5 page rendered in one language, and what of the other language it still shows.

The pages are the GET rows of the one table of routes (``authz/routes.py``), each asked once, as the
first role in ``PREFERRED`` that the row lets in (a resident's first on H5 pages), with the matrix
world's in-scope object (side A). What a person reads of a page is its text and the attributes that are read out or shown (``placeholder``,
``title``, ``aria-label``, ``alt``, a button's ``value``); scripts, styles, JSON data blocks and
``<code>`` (a file's column names, shown as they are) are not.

Data is not translated: the names, addresses and titles the world holds (every text column of every row)
are taken out of the page before it is searched, longest first, and so is a masked name (``张*``).
What remains is the interface:

- in English, any Chinese character left is a string that did not go through the translation catalogue;
- in Chinese, an internal word left (``in_progress``, ``on_time``, ``true``) is a raw key shown as text.

``python manage.py page_language --lang en [--only tickets,party]`` prints the leftovers page by page;
``authz/tests/test_page_language.py`` holds every page to it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from html.parser import HTMLParser

from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.db import models, transaction
from django.test import Client
from django.utils import translation

from gongzhi.authz.matrix import _params, _path
from gongzhi.authz.routes import ROUTES
from gongzhi.authz.world import World

# The role a page is read as: the widest staff role first, then the narrower ones, then the resident's.
PREFERRED = (
    "district_admin",
    "subdistrict_staff",
    "community_secretary",
    "community_worker",
    "grid_head",
    "grid_worker",
    "department_handler",
    "auditor",
    "resident",
    "party_member",
    "unit_liaison",
    "anonymous",
)
H5_PREFERRED = ("resident", "party_member", "unit_liaison", *PREFERRED)
PAGE_PREFIXES = ("/console/", "/h5/")
READ_ATTRIBUTES = ("placeholder", "title", "aria-label", "alt")
# <code>: file formats, column names and keys shown as what they are (a template's Chinese headers)
SKIPPED_TAGS = ("script", "style", "template", "noscript", "code", "kbd", "samp")

CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff\u3000-\u303f\uff01-\uff5e]+")
CJK_CHAR = re.compile(r"[\u3400-\u9fff]")
# What a Chinese page must not show as its text: snake_case keys and Python/JSON literals.
RAW_KEY = re.compile(r"\b(?:[a-z]+(?:_[a-z0-9]+)+|True|False|None|true|false|null)\b")
MASKED_NAME = re.compile(r"[\u3400-\u9fff]\*+[\u3400-\u9fff]?")


class _Visible(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in SKIPPED_TAGS:
            self._skip += 1
            return
        values = dict(attrs)
        for name in READ_ATTRIBUTES:
            if values.get(name):
                self.parts.append(str(values[name]))
        if tag == "input" and values.get("type") in ("submit", "button") and values.get("value"):
            self.parts.append(str(values["value"]))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in SKIPPED_TAGS:
            self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if tag in SKIPPED_TAGS and self._skip:
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip and data.strip():
            self.parts.append(data.strip())


def visible_text(html: str) -> str:
    parser = _Visible()
    parser.feed(html)
    parser.close()
    return "\n".join(parser.parts)


def data_strings() -> list[str]:
    """Every text value the database holds that a page may show as data, longest first."""
    found: set[str] = set()
    for model in apps.get_models():
        names = [
            f.attname
            for f in model._meta.concrete_fields
            if isinstance(f, (models.CharField, models.TextField)) and not f.choices
        ]
        if not names:
            continue
        for row in model._default_manager.using("default").values_list(*names):
            for value in row:
                if value and isinstance(value, str):
                    found.update(_pieces(value))
    return sorted((s for s in found if len(s) >= 2), key=len, reverse=True)


def _pieces(value: str) -> Iterable[str]:
    """The value, and its lines and words: a page may show a text's first line or a list's items."""
    yield value.strip()
    for line in value.splitlines():
        yield line.strip()
        yield from (w for w in re.split(r"[\s,，、;；]+", line) if w)


@dataclass
class PageLanguage:
    key: str
    role: str
    status: int
    leftovers: list[str] = field(default_factory=list)


@dataclass
class Report:
    language: str
    pages: list[PageLanguage]

    @property
    def rendered(self) -> list[PageLanguage]:
        return [p for p in self.pages if p.status == 200]

    @property
    def failing(self) -> list[PageLanguage]:
        return [p for p in self.rendered if p.leftovers]

    def lines(self) -> list[str]:
        return [f"{p.key} (as {p.role}): {' | '.join(p.leftovers[:12])}" for p in self.failing]


def page_keys(only: Iterable[str] = ()) -> list[str]:
    wanted = tuple(only)
    keys = []
    for key in sorted(ROUTES):
        method, path = key.split(" ", 1)
        if method != "GET" or not path.startswith(PAGE_PREFIXES):
            continue
        app = path.strip("/").split("/")[1] if path.count("/") > 2 else ""
        if wanted and app not in wanted and path.strip("/").split("/")[0] not in wanted:
            continue
        keys.append(key)
    return keys


def leftovers(text: str, language: str, data: re.Pattern[str] | None) -> list[str]:
    if data is not None:
        text = data.sub(" ", text)
    text = MASKED_NAME.sub(" ", text)
    if language == "en":
        return sorted({m.group(0) for m in CJK.finditer(text) if CJK_CHAR.search(m.group(0))})
    return sorted({m.group(0) for m in RAW_KEY.finditer(text)})


def data_pattern() -> re.Pattern[str] | None:
    strings = data_strings()
    if not strings:
        return None
    return re.compile("|".join(re.escape(s) for s in strings))


def read_pages(world: World, language: str, only: Iterable[str] = ()) -> Report:
    """Every page of the table (or of the apps named in ``only``) read in ``language``."""
    data = data_pattern()
    clients: dict[str, Client] = {}
    pages = []
    for key in page_keys(only):
        route = ROUTES[key]
        order = H5_PREFERRED if key.startswith("GET /h5/") else PREFERRED
        role = next((r for r in order if r in route.allow), None)
        if role is None:
            continue
        client = clients.get(role)
        if client is None:
            client = clients[role] = Client(raise_request_exception=False)
            if role != "anonymous":
                client.force_login(world.users[role])
            client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
        path = _path(key.split(" ", 1)[1], _params(world, route, "A"))
        cache.clear()
        with transaction.atomic(), translation.override(language):
            response = client.get(path, route.query)
            transaction.set_rollback(True)
        page = PageLanguage(key=key, role=role, status=response.status_code)
        if response.status_code == 200 and response.get("Content-Type", "").startswith("text/html"):
            page.leftovers = leftovers(
                visible_text(response.content.decode("utf-8", "replace")), language, data
            )
        elif response.status_code == 200:
            page.status = 0  # not a page to read (a file, JSON)
        pages.append(page)
    return Report(language=language, pages=pages)
