"""The socialorgs console pages: the registry with its empty state and form, an organisation, the
projects, a contest with a judge's scoring sheet, the workers and the figures; a refusal shown in Chinese."""

from __future__ import annotations

import pytest

from gongzhi.socialorgs.models import ScoreSheet
from gongzhi.socialorgs.services.contests import (
    contest_entry_add,
    contest_judge_add,
    contest_open,
    contest_scoring_start,
)
from gongzhi.socialorgs.tests.factories import applied, organization

pytestmark = pytest.mark.django_db


def test_the_registry_page_register_and_detail(district, client):
    client.force_login(district.user("community_worker"))
    page = client.get("/console/socialorgs/").content.decode()
    assert "还没有社会组织入库" in page
    r = client.post(
        "/console/socialorgs/",
        {
            "community_id": district.communities["A1"].pk,
            "name": "银山书画社",
            "kind": "community_service",
            "legal_status": "filed",
            "filing_number": "BA-9",
            "field": "文化体育",
            "party_instructor": "张指导",
            "members_count": "12",
        },
    )
    assert r.status_code == 302, r.content.decode()[:500]
    detail = client.get(r["Location"]).content.decode()
    assert "银山书画社" in detail and "张指导" in detail and "未入驻孵化平台" in detail
    r = client.post("/console/socialorgs/", {"community_id": district.communities["A1"].pk, "name": "缺项"})
    assert r.status_code == 400 and "请选择组织类型" in r.content.decode()


def test_pages_for_projects_contests_workers_and_figures(district, client):
    p = organization(district)
    project = applied(district, p)
    client.force_login(district.user("community_worker"))
    for url in (
        "/console/socialorgs/projects/",
        f"/console/socialorgs/projects/{project.pk}/",
        "/console/socialorgs/contests/",
        "/console/socialorgs/workers/",
        "/console/socialorgs/figures/",
        f"/console/socialorgs/{p.organization_id}/",
    ):
        r = client.get(url)
        assert r.status_code == 200, url
    assert "银龄助餐" in client.get("/console/socialorgs/projects/").content.decode()
    client.force_login(district.user("grid_worker"))
    assert client.get(f"/console/socialorgs/projects/{project.pk}/").status_code == 404


def test_a_judge_scores_on_the_contest_page_and_is_refused_their_own_organisation(district, client):
    p = organization(district)
    ss = district.user("subdistrict_staff")
    contest = contest_open(
        actor=ss, subdistrict_code=district.subdistricts["A"].code, year=2026, title="大赛"
    )
    entry = contest_entry_add(
        actor=district.user("community_worker"),
        contest_id=contest.pk,
        organization_id=p.organization_id,
        title="参赛甲",
    )
    contest_judge_add(
        actor=ss, contest_id=contest.pk, username="community_secretary", organization_id=p.organization_id
    )
    contest_judge_add(actor=ss, contest_id=contest.pk, username="district_admin")
    contest_scoring_start(actor=ss, contest_id=contest.pk)
    client.force_login(district.user("community_secretary"))
    page = client.get(f"/console/socialorgs/contests/{contest.pk}/").content.decode()
    assert "本人所在组织，回避" in page
    sheet = {
        "score_need": "25",
        "score_innovation": "15",
        "score_feasibility": "15",
        "score_effect": "15",
        "score_sustainability": "5",
    }
    r = client.post(f"/console/socialorgs/entries/{entry.pk}/score/", sheet, follow=True)
    assert "不能为本人所在组织的参赛项目评分，应由他人办理" in r.content.decode()
    assert not ScoreSheet.objects.exists()
    client.force_login(district.user("district_admin"))
    r = client.post(f"/console/socialorgs/entries/{entry.pk}/score/", sheet, follow=True)
    assert "75" in r.content.decode() and ScoreSheet.objects.count() == 1


def test_the_registry_list_reads_in_a_fixed_number_of_queries(
    district, client, django_assert_max_num_queries
):
    for n in range(5):
        organization(district, name=f"组织{n}", filing_number=f"Q-{n}")
    client.force_login(district.user("community_worker"))
    with django_assert_max_num_queries(12):
        r = client.get("/api/v1/socialorgs/organizations")
    assert len(r.json()) == 5
