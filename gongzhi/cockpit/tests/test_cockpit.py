"""The cockpit on the small district: figures from the rollup equal the records at every level, scope
(a community sees its own cockpit and its grids, never a neighbour's), the API, the big screen, the
rebuild as a job. The comparison on the whole demo district is gongzhi/demo/tests/test_cockpit_demo.py."""

from __future__ import annotations

import json
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from gongzhi.audit.models import AuditEvent
from gongzhi.cockpit import rollups
from gongzhi.cockpit.models import FigureRollup
from gongzhi.cockpit.selectors.figures import cockpit_figures_for_actor
from gongzhi.cockpit.services import rollup_rebuild
from gongzhi.core.errors import NotFound
from gongzhi.jobs.models import Job
from gongzhi.people.models import Person
from gongzhi.places.models import Household

# phones (whole or masked), ID numbers (whole or masked), door numbers
PERSONAL = re.compile(
    r"(?<!\d)1\d{10}(?!\d)|1\d{2}\*{4}\d{4}|\d{4}\*{6,}\d{3}[\dXx]|\d{6}(19|20)\d{9}[\dXx]|\d+(室|号)"
)


def _client(district, key: str) -> Client:
    c = Client()
    c.force_login(district.user(key))
    return c


def _places(district) -> list[str]:
    return [
        district.district.code,
        *(s.code for s in district.subdistricts.values()),
        *(c.code for c in district.communities.values()),
        *(g.code for g in district.grids.values()),
    ]


def test_the_rollup_equals_the_records_at_every_level_and_is_one_audited_write(district):
    Person.objects.filter(pk=district.persons["g3"][0].pk).delete()  # the levels differ
    out = rollup_rebuild(actor=None)
    assert out["rows"] == FigureRollup.objects.count() > 0
    assert AuditEvent.objects.filter(event_type="cockpit.rollup_rebuilt").count() == 1
    admin = district.user("district_admin")
    for code in _places(district):
        level = rollups.level_of(code)
        figures = cockpit_figures_for_actor(actor=admin, code=code)["figures"]
        assert figures["persons"] == Person.objects.filter(**{f"{level}_code": code}).count(), code
        assert figures["households"] == Household.objects.filter(**{f"{level}_code": code}).count(), code
    # rebuilt again: the month's rows are replaced, not added to
    rollup_rebuild(actor=None)
    assert FigureRollup.objects.count() == out["rows"]


def test_a_community_sees_its_cockpit_and_its_grids_never_a_neighbours(district):
    rollup_rebuild(actor=None)
    worker = _client(district, "community_worker")  # 银山社区 (A1)
    own = worker.get("/console/cockpit/")
    assert own.status_code == 200
    body = own.content.decode()
    assert district.communities["A1"].name in body
    for g in ("g1", "g2"):  # its grids are the ranking's rows, linked for the drill-down
        assert f'href="?place={district.grids[g].code}"' in body
    for other in ("g3", "g4"):
        assert district.grids[other].name not in body
    assert district.communities["B1"].name not in body and district.subdistricts["A"].name not in body
    for code in (district.communities["A2"].code, district.communities["B1"].code, district.grids["g3"].code,
                 district.subdistricts["A"].code, district.district.code, "370115009999", "abc"):  # fmt: skip
        assert worker.get("/console/cockpit/", {"place": code}).status_code == 404, code
        assert worker.get("/api/v1/cockpit/figures", {"place": code}).status_code == 404, code
        assert worker.get("/console/cockpit/screen/", {"place": code}).status_code == 404, code
    grid = worker.get("/console/cockpit/", {"place": district.grids["g1"].code})
    assert grid.status_code == 200
    # the trail leads back up to the community, not above it
    assert f'href="?place={district.communities["A1"].code}"' in grid.content.decode()
    # a grid worker sees its grid only
    gw = _client(district, "grid_worker")
    assert gw.get("/console/cockpit/").status_code == 200
    assert gw.get("/console/cockpit/", {"place": district.grids["g2"].code}).status_code == 404
    assert gw.get("/console/cockpit/", {"place": district.communities["A1"].code}).status_code == 404
    # roles without a population scope see no cockpit
    for key in ("department_handler", "unit_liaison", "party_member", "resident"):
        assert _client(district, key).get("/console/cockpit/").status_code in (302, 404), key


def test_the_district_admin_drills_down_from_the_district(district):
    rollup_rebuild(actor=None)
    admin = _client(district, "district_admin")
    body = admin.get("/console/cockpit/").content.decode()
    for s in district.subdistricts.values():
        assert f'href="?place={s.code}"' in body
    sub = admin.get("/console/cockpit/", {"place": district.subdistricts["A"].code}).content.decode()
    assert f'href="?place={district.district.code}"' in sub  # the breadcrumb
    for c in ("A1", "A2"):
        assert f'href="?place={district.communities[c].code}"' in sub
    assert district.communities["B1"].name not in sub
    assert 'data-testid="rebuild"' in body
    # the chart data reach the page through json_script, no inline script
    assert 'id="cockpit-data"' in body and "<script>" not in body


def test_the_page_and_the_api_read_the_rollup_in_a_few_queries(district):
    rollup_rebuild(actor=None)
    admin = _client(district, "district_admin")
    admin.get("/console/cockpit/")  # the session's first request
    for url in ("/console/cockpit/", "/api/v1/cockpit/figures", "/console/cockpit/screen/data/"):
        with CaptureQueriesContext(connection) as q:
            assert admin.get(url, {"place": district.subdistricts["A"].code}).status_code == 200
        tables = " ".join(x["sql"] for x in q.captured_queries)
        assert len(q.captured_queries) <= 10, (url, [x["sql"][:90] for x in q.captured_queries])
        for records in ("people_person", "places_household", "tickets_ticket", "tickets_dailystat"):
            assert records not in tables, (url, records)


def test_the_api_gives_the_same_figures_as_the_page(district):
    rollup_rebuild(actor=None)
    admin = _client(district, "district_admin")
    code = district.communities["A1"].code
    got = admin.get("/api/v1/cockpit/figures", {"place": code})
    assert got.status_code == 200
    data = got.json()
    want = cockpit_figures_for_actor(actor=district.user("district_admin"), code=code)
    assert (
        data["figures"]["persons"]
        == want["figures"]["persons"]
        == len(district.persons["g1"]) + len(district.persons["g2"])
    )
    assert [r["code"] for r in data["children"]["rows"]] == [r["code"] for r in want["children"]["rows"]]
    assert data["place"]["name"] == district.communities["A1"].name


def test_the_big_screen_shows_no_personal_data(district):
    rollup_rebuild(actor=None)
    c = _client(district, "grid_worker")
    page = c.get("/console/cockpit/screen/")
    assert page.status_code == 200
    html = page.content.decode()
    data = c.get("/console/cockpit/screen/data/").content.decode()
    assert json.loads(data)["place"]["name"] == district.grids["g1"].name
    for text in (html, data):
        for people in district.persons.values():
            for p in people:
                assert p.name not in text and p.phone_masked not in text and p.id_number_masked not in text
        assert not PERSONAL.search(text), PERSONAL.search(text)


def test_rebuild_now_is_the_district_admins_job_and_the_nightly_schedule(district):
    from gongzhi.jobs.tasks import run_job, schedules

    nightly = schedules()["cockpit.rollup_nightly"]
    assert nightly.every_seconds == 86400
    assert nightly.run()["rows"] == FigureRollup.objects.count() > 0
    FigureRollup.objects.all().delete()

    refused = _client(district, "community_secretary").post("/console/cockpit/rebuild/")
    assert refused.status_code == 404
    assert not Job.objects.filter(kind="cockpit.rollup_rebuild").exists()
    got = _client(district, "district_admin").post(
        "/console/cockpit/rebuild/", {"place": district.district.code}
    )
    assert got.status_code == 302
    job = Job.objects.get(kind="cockpit.rollup_rebuild")
    assert job.actor_id == district.user("district_admin").pk
    run_job.call(job.pk)
    job.refresh_from_db()
    assert job.status == "succeeded", job.message
    assert FigureRollup.objects.filter(place_code=district.district.code, key="persons").exists()


def test_a_place_outside_scope_is_not_found_in_the_selector(district):
    with pytest.raises(NotFound):
        cockpit_figures_for_actor(
            actor=district.user("subdistrict_staff"), code=district.subdistricts["B"].code
        )
