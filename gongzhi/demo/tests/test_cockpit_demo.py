"""The cockpit on the demo district (issue 26): after ``rollup_rebuild``, every figure of every place at
every level (the district, its subdistricts, communities and grids) equals what the records say, counted
here place by place from each module's rows and, where the module has one, by the module's own selector
(the tickets' indicators, the people's counts per grid, the care, mediation, cobuild and councils overview
counts); and the big screen shows no personal data of the demo's residents."""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.db.models import F
from django.test import Client
from django.utils import timezone

from gongzhi.accounts.models import User
from gongzhi.care.selectors import care_counts
from gongzhi.cobuild.selectors import cobuild_counts
from gongzhi.cockpit import rollups
from gongzhi.cockpit.selectors.figures import cockpit_figures_for_actor
from gongzhi.cockpit.services import rollup_rebuild
from gongzhi.councils.selectors import overdue_milestones
from gongzhi.mediation.selectors import mediation_counts
from gongzhi.people.models import Person
from gongzhi.people.selectors import person_counts_by_grid
from gongzhi.places.models import Community, District, Grid, Subdistrict
from gongzhi.tickets.indicators import indicators_sum

LEVEL_FIELDS = [f"{level}_code" for level in rollups.LEVELS]
PERSONAL = re.compile(
    r"(?<!\d)1\d{10}(?!\d)|1\d{2}\*{4}\d{4}|\d{4}\*{6,}\d{3}[\dXx]|\d{6}(19|20)\d{9}[\dXx]|\d+(室|号)"
)


def _year(value: Any) -> int:
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).year
    return value.year


def _by_place(fig: rollups.Figure, today: dt.date) -> dict[str, Decimal]:
    """The figure per place code, summed here in Python from the module's rows (not grouped by the
    database): flows of this year, stocks as they are now."""
    qs = fig.source(today)
    cols = [f"{fig.prefix}{c}" for c in LEVEL_FIELDS]
    measure = F(fig.total) if fig.total else None
    fields = [*cols, *([fig.when] if fig.when else [])]
    rows = qs.annotate(_m=measure).values(*fields, "_m") if measure is not None else qs.values(*fields)
    out: dict[str, Decimal] = defaultdict(Decimal)
    for row in rows:
        if fig.when and (row[fig.when] is None or _year(row[fig.when]) != today.year):
            continue
        amount = Decimal(row["_m"] or 0) if measure is not None else Decimal(1)
        for c in cols:
            if row[c]:
                out[row[c]] += amount
    return out


def _places() -> list[tuple[str, str]]:
    out = [("district", c) for c in District.objects.values_list("code", flat=True)]
    out += [("subdistrict", c) for c in Subdistrict.objects.values_list("code", flat=True)]
    out += [("community", c) for c in Community.objects.values_list("code", flat=True)]
    out += [("grid", c) for c in Grid.objects.values_list("code", flat=True)]
    return out


def test_every_cockpit_figure_equals_the_records_at_every_level(demo):
    rollup_rebuild(actor=None)
    admin = User.objects.get(username="admin")
    today = timezone.localdate()
    start = dt.date(today.year, 1, 1)
    want = {f.key: _by_place(f, today) for f in rollups.FIGURES if f.key != "property_score_sum"}
    places = _places()
    assert {lvl for lvl, _ in places} == set(rollups.LEVELS) and len(places) > 200
    grid_persons = person_counts_by_grid(grid_codes=[c for lvl, c in places if lvl == "grid"])
    checked = 0
    for level, code in places:
        got = cockpit_figures_for_actor(actor=admin, code=code)
        assert got["place"]["level"] == level
        figures = got["figures"]
        for key, per_place in want.items():
            assert Decimal(str(figures[key])) == per_place.get(code, Decimal(0)), (level, code, key)
            checked += 1
        # the tickets: the tickets' own indicators over this year, counters and rates
        ind = indicators_sum(level, code, start, today)
        for counter in rollups.TICKET_COUNTERS:
            assert figures[f"tickets.{counter}"] == ind.counts[counter], (level, code, counter)
        for rate in ("closure_rate", "on_time_rate", "rework_rate", "satisfaction_rate"):
            r = got["rates"][rate]
            assert (r["numerator"], r["denominator"]) == (
                ind.rate(rate).numerator,
                ind.rate(rate).denominator,
            )
        if level == "grid":
            assert figures["persons"] == grid_persons.get(code, 0), code
        # the ranking's rows are the children's own figures
        for row in got["children"]["rows"]:
            assert row["persons"] == want["persons"].get(row["code"], 0)
            assert (
                row["tickets_reported"]
                == indicators_sum(got["children"]["level"], row["code"], start, today).counts["reported"]
            )
    assert checked > 200 * 30
    # the district against the modules' own overview counts
    district = cockpit_figures_for_actor(actor=admin)["figures"]
    assert district["care_overdue"] == care_counts(today)["visits_overdue"]
    assert district["warnings_open"] == mediation_counts()["warnings_open"]
    assert district["projects_signed"] == cobuild_counts()["projects_signed"]
    assert district["milestones_overdue"] == overdue_milestones(today=today).count()
    assert district["persons"] == Person.objects.count()
    # the demo has something in every module, so the comparisons above compared something
    empty = [
        k for k in want if not district[k] and k not in ("tickets_overdue", "red_cards", "milestones_overdue")
    ]
    assert not empty, empty
    assert district["tickets.reported"] > 0


def test_the_big_screen_shows_no_resident_of_the_demo(demo):
    rollup_rebuild(actor=None)
    names = set(Person.objects.values_list("name", flat=True))
    c = Client()
    c.force_login(User.objects.get(username="admin"))
    grid = Grid.objects.order_by("code").first()
    assert grid is not None
    for place in ("", grid.community_code, grid.code):
        for url in ("/console/cockpit/screen/", "/console/cockpit/screen/data/"):
            got = c.get(url, {"place": place} if place else {})
            assert got.status_code == 200, (url, place)
            text = got.content.decode()
            found = PERSONAL.search(text)
            assert found is None, (url, place, found)
            assert not [n for n in names if n in text], (url, place)
