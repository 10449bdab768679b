"""The demo's year-end assessment: 济阳街道's grids and grid workers assessed this year, computed by the
subdistrict office and published by the district admin, every grid of the subdistrict ranked; a grid worker
reads their own sheet."""

from django.utils import timezone

from gongzhi.assessment.models import Result, Run
from gongzhi.places.models import Grid


def test_demo_assessment_is_published_for_the_subdistricts_grids(demo):
    run = Run.objects.select_related("indicator_set").get(
        subdistrict_code="370115001000", indicator_set__subject_kind="grid"
    )
    assert run.status == "published" and run.computed_by_id != run.published_by_id
    assert run.indicator_set.year == timezone.localdate().year and run.period_end <= timezone.localdate()
    grids = set(Grid.objects.filter(subdistrict_code="370115001000").values_list("code", flat=True))
    results = list(Result.objects.filter(run=run))
    assert {r.subject_key for r in results} == grids
    assert sorted(r.rank for r in results)[0] == 1
    assert any(r.values["on_time_rate"]["value"] is not None for r in results)


def test_demo_grid_workers_see_their_own_sheet(demo, client):
    run = Run.objects.get(subdistrict_code="370115001000", indicator_set__subject_kind="worker")
    assert run.status == "published" and run.subjects > 0
    sheet = Result.objects.filter(run=run).order_by("rank").first()
    assert sheet is not None and sheet.subject_user is not None
    client.force_login(sheet.subject_user)
    page = client.get("/console/assessment/mine/")
    assert page.status_code == 200 and str(sheet.total) in page.content.decode()
