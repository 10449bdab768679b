"""The console pages, the exports and the API of the assessment, through the test client, on a hand-made
case: subdistrict A's grid workers assessed, computed by the subdistrict office, published by the district."""

from __future__ import annotations

import io
import shutil
import subprocess
from collections.abc import Iterator
from typing import Any

import openpyxl
import pytest
from django.test import Client
from django.utils import timezone

from gongzhi.assessment.models import Result, Run
from gongzhi.assessment.tests.test_services import closed_ticket, patrol_report
from gongzhi.audit.models import AuditEvent
from gongzhi.testing import SmallDistrict, build_small_district
from gongzhi.testing.worlds import shared_world


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory) -> Iterator[SmallDistrict]:
    with shared_world(django_db_blocker, tmp_path_factory.mktemp("assessment-views")):
        d = build_small_district()
        closed_ticket(d)
        patrol_report(d)
        patrol_report(d, "grid_worker_g2", (117.115, 36.985))
        yield d


def client(d: SmallDistrict, key: str) -> Client:
    c = Client()
    c.force_login(d.user(key))
    return c


def worker_set_form(d: SmallDistrict, **extra: Any) -> dict[str, Any]:
    return {
        "place_code": d.subdistricts["A"].code,
        "name": "网格员年度考核",
        "year": str(timezone.localdate().year),
        "subject_kind": "worker",
        "use_on_time_rate": "1",
        "w_on_time_rate": "60",
        "r_on_time_rate": "linear",
        "f_on_time_rate": "0",
        "t_on_time_rate": "100",
        "use_tickets_found": "1",
        "w_tickets_found": "40",
        "r_tickets_found": "linear",
        "f_tickets_found": "0",
        "t_tickets_found": "4",
        **extra,
    }


def published_run(d: SmallDistrict) -> Run:
    staff = client(d, "subdistrict_staff")
    r = staff.post("/console/assessment/sets/new/", worker_set_form(d))
    assert r.status_code == 302, r.content.decode()[:500]
    set_id = int(r["Location"].rstrip("/").rsplit("/", 1)[1])
    r = staff.post(f"/console/assessment/sets/{set_id}/compute/", {})
    assert r.status_code == 302
    run = Run.objects.get(indicator_set_id=set_id)
    # The computer may not publish it: the page says so and the POST is refused in Chinese.
    page = staff.get(f"/console/assessment/runs/{run.pk}/").content.decode()
    assert "本版由您计算，应由他人发布" in page
    staff.post(f"/console/assessment/runs/{run.pk}/publish/")
    run.refresh_from_db()
    assert run.status == "draft"
    r = client(d, "district_admin").post(f"/console/assessment/runs/{run.pk}/publish/")
    run.refresh_from_db()
    assert r.status_code == 302 and run.status == "published"
    return run


def test_set_editor_refuses_weights_not_summing_to_100_and_keeps_the_input(world, db):
    staff = client(world, "subdistrict_staff")
    assert staff.get("/console/assessment/sets/new/").status_code == 200
    r = staff.post("/console/assessment/sets/new/", worker_set_form(world, w_tickets_found="30"))
    assert r.status_code == 200
    text = r.content.decode()
    assert "各项指标权重之和应为100，当前为90" in text and "网格员年度考核" in text


def test_run_page_exports_and_sheets(world, db):
    d = world
    run = published_run(d)
    admin = client(d, "district_admin")
    page = admin.get(f"/console/assessment/runs/{run.pk}/").content.decode()
    results = list(Result.objects.filter(run=run).order_by("rank", "subject_key"))
    assert len(results) == 3 and all(r.subject_name in page for r in results)
    assert "按期处置率" in page and "巡查发现上报工单" in page

    before = AuditEvent.objects.filter(event_type="assessment.run_downloaded").count()
    r = admin.get(f"/console/assessment/runs/{run.pk}/export.xlsx")
    assert r.status_code == 200
    wb = openpyxl.load_workbook(io.BytesIO(r.content))
    ws = wb["考核结果"]
    assert "网格员年度考核" in ws["A1"].value and ws.freeze_panes == "A3"
    header = [c.value for c in ws[2]]
    assert header[:4] == ["排名", "考核对象", "所在", "总分"] and "按期处置率（%）" in header
    body = [[c.value for c in row] for row in ws.iter_rows(min_row=3)]
    assert [(row[0], row[1], row[3]) for row in body] == [
        (r.rank, r.subject_name, float(r.total)) for r in results
    ]
    cells = [c for row in wb["考核结果"].iter_rows() for c in row] + [
        c for row in wb["指标与计分"].iter_rows() for c in row
    ]
    assert not any(c.data_type == "f" or str(c.value or "").startswith("=") for c in cells)
    assert AuditEvent.objects.filter(event_type="assessment.run_downloaded").count() == before + 1

    r = admin.get(f"/console/assessment/runs/{run.pk}/export.pdf")
    assert r.status_code == 200 and r.content.startswith(b"%PDF")
    assert AuditEvent.objects.filter(event_type="assessment.run_downloaded").count() == before + 2


def test_a_grid_worker_sees_their_own_sheet_and_nothing_else(world, db):
    d = world
    run = published_run(d)
    mine = Result.objects.get(run=run, subject_user=d.user("grid_worker"))
    other = Result.objects.get(run=run, subject_user=d.user("grid_worker_g2"))
    w = client(d, "grid_worker")
    r = w.get("/console/assessment/")
    assert r.status_code == 302 and r["Location"].endswith("/console/assessment/mine/")
    page = w.get("/console/assessment/mine/").content.decode()
    assert str(mine.total) in page and "按期处置率" in page and "grid_worker_g2" not in page
    assert w.get(f"/console/assessment/results/{mine.pk}/").status_code == 200
    before = AuditEvent.objects.filter(
        event_type="assessment.run_downloaded", actor=d.user("grid_worker")
    ).count()
    assert w.get(f"/console/assessment/results/{mine.pk}/sheet.pdf").content.startswith(b"%PDF")
    assert (
        AuditEvent.objects.filter(event_type="assessment.run_downloaded", actor=d.user("grid_worker")).count()
        == before + 1
    )
    for url in (
        f"/console/assessment/results/{other.pk}/",
        f"/console/assessment/results/{other.pk}/sheet.pdf",
        f"/console/assessment/runs/{run.pk}/",
        f"/console/assessment/runs/{run.pk}/export.xlsx",
        f"/console/assessment/sets/{run.indicator_set_id}/",
    ):
        assert w.get(url).status_code == 404, url
    api = w.get("/api/v1/assessment/my-sheets").json()
    assert [s["result"]["id"] for s in api] == [mine.pk]
    assert w.get(f"/api/v1/assessment/runs/{run.pk}").status_code == 404


def test_scope_of_the_pages_a_neighbour_gets_404(world, db):
    from gongzhi.accounts.services import role_assign, user_create
    from gongzhi.core.roles import Role

    d = world
    run = published_run(d)
    user = user_create(actor=None, username="b1_worker", password=None, display_name="安大社区")
    role_assign(actor=None, user=user, role=Role.COMMUNITY_WORKER, place_code=d.communities["B1"].code)
    c = Client()
    c.force_login(user)
    a_result = Result.objects.filter(run=run).first()
    assert a_result is not None
    for url in (
        f"/console/assessment/runs/{run.pk}/",
        f"/console/assessment/sets/{run.indicator_set_id}/",
        f"/console/assessment/results/{a_result.pk}/",
        f"/api/v1/assessment/runs/{run.pk}",
    ):
        assert c.get(url).status_code == 404, url
    assert "网格员年度考核" not in c.get("/console/assessment/").content.decode()
    # The community worker of A1 reads the run: its own community's workers only (all three are in A1).
    page = client(d, "community_worker").get(f"/console/assessment/runs/{run.pk}/")
    assert page.status_code == 200


def test_the_api_creates_computes_and_publishes(world, db):
    d = world
    staff, admin = client(d, "subdistrict_staff"), client(d, "district_admin")
    body = {
        "place_code": d.subdistricts["A"].code,
        "name": "社区年度考核",
        "year": timezone.localdate().year,
        "subject_kind": "community",
        "lines": [
            {"indicator": "on_time_rate", "weight": 50, "target": 100},
            {"indicator": "party_members", "weight": 40, "target": 10},
        ],
    }
    r = staff.post("/api/v1/assessment/sets", body, content_type="application/json")
    assert r.status_code == 400
    assert r.json()["message"] == "各项指标权重之和应为100，当前为90"
    body["lines"][1]["weight"] = 50
    r = staff.post("/api/v1/assessment/sets", body, content_type="application/json")
    assert r.status_code == 201
    set_id = r.json()["id"]
    assert [s["id"] for s in staff.get("/api/v1/assessment/sets").json()] == [set_id]
    r = staff.post(f"/api/v1/assessment/sets/{set_id}/runs", {}, content_type="application/json")
    assert r.status_code == 201
    run = r.json()
    assert run["version"] == 1 and run["status"] == "draft"
    assert {x["subject_name"] for x in run["results"]} == {"银山社区", "城里社区"}
    r = staff.post(f"/api/v1/assessment/runs/{run['id']}/publish", content_type="application/json")
    assert r.status_code == 403 and r.json()["code"] == "own_work"
    r = admin.post(f"/api/v1/assessment/runs/{run['id']}/publish", content_type="application/json")
    assert r.status_code == 200 and r.json()["status"] == "published"
    assert admin.get(f"/api/v1/assessment/runs/{run['id']}").json()["results"] == r.json()["results"]


@pytest.mark.pdf
def test_the_pdfs_render_in_poppler(world, db, tmp_path):
    pdftoppm, pdftotext = shutil.which("pdftoppm"), shutil.which("pdftotext")
    assert pdftoppm and pdftotext, "poppler-utils is required"
    d = world
    run = published_run(d)
    mine = Result.objects.get(run=run, subject_user=d.user("grid_worker"))
    for name, url, expected in (
        (
            "run",
            f"/console/assessment/runs/{run.pk}/export.pdf",
            ["网格员年度考核", "排名", "填报单位（盖章）"],
        ),
        (
            "sheet",
            f"/console/assessment/results/{mine.pk}/sheet.pdf",
            ["考核表", "按期处置率", "被考核人（签字）"],
        ),
    ):
        c = client(d, "district_admin" if name == "run" else "grid_worker")
        path = tmp_path / f"{name}.pdf"
        path.write_bytes(c.get(url).content)
        subprocess.run(  # noqa: S603 (fixed argv, our own temp file)
            [pdftoppm, "-png", "-r", "50", "-f", "1", "-l", "1", str(path), str(tmp_path / name)], check=True
        )
        pngs = list(tmp_path.glob(f"{name}*.png"))
        assert pngs and pngs[0].stat().st_size > 1000
        text = "".join(
            subprocess.run(  # noqa: S603
                [pdftotext, str(path), "-"], check=True, capture_output=True, text=True
            ).stdout.split()
        )
        for word in expected:
            assert word in text, (name, word)


def test_the_run_page_reads_in_a_fixed_number_of_queries(world, db):
    """The ranked table of 1 grid and of 4 grids costs the same queries (no query per row)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from gongzhi.assessment.services._validation import LineInput, SetInput
    from gongzhi.assessment.services.runs import assessment_run_compute
    from gongzhi.assessment.services.sets import indicator_set_create

    d = world
    admin = client(d, "district_admin")
    counts = []
    for place in (d.subdistricts["B"].code, d.district.code):
        s = indicator_set_create(
            actor=d.user("district_admin"),
            place_code=place,
            data=SetInput(
                name="网格考核",
                year=2026,
                subject_kind="grid",
                lines=[LineInput("on_time_rate", 50, 100), LineInput("tickets_found", 50, 4)],
            ),
        )
        run = assessment_run_compute(actor=None, set_id=s.pk)
        admin.get(f"/console/assessment/runs/{run.pk}/")  # warm the session and caches
        with CaptureQueriesContext(connection) as q:
            page = admin.get(f"/console/assessment/runs/{run.pk}/")
        assert page.status_code == 200
        counts.append((run.subjects, len(q.captured_queries)))
    assert [n for n, _q in counts] == [1, 4]
    assert counts[0][1] == counts[1][1]
