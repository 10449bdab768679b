"""The socialorgs services on the small district: the registry (on the volunteers' row), incubation,
yearly plans, funded projects (decimal yuan, reviews, the decision, the resource, deliveries, closing),
the contest (judges never score their own organisation), social workers, scope and the figures."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from gongzhi.audit.models import AuditEvent
from gongzhi.core import ids
from gongzhi.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from gongzhi.socialorgs import selectors
from gongzhi.socialorgs.models import FundedProject, OrganizationProfile, ScoreSheet
from gongzhi.socialorgs.services.contests import (
    contest_entry_add,
    contest_entry_brand,
    contest_entry_score,
    contest_finish,
    contest_judge_add,
    contest_open,
    contest_scoring_start,
)
from gongzhi.socialorgs.services.organizations import (
    WorkerInput,
    incubation_enter,
    incubation_graduate,
    incubation_milestone_add,
    incubation_milestone_done,
    social_worker_register,
    socialorg_profile_save,
    yearly_plan_file,
)
from gongzhi.socialorgs.services.projects import (
    funded_project_close,
    funded_project_decide,
    funded_project_deliver,
    funded_project_review,
)
from gongzhi.socialorgs.tests.factories import applied, organization, profile_input, uscc

pytestmark = pytest.mark.django_db

SHEET = {"need": 27, "innovation": 18, "feasibility": "17.5", "effect": 18, "sustainability": 8}


def test_registering_extends_the_volunteers_row_and_protects_the_contact(district):
    from gongzhi.volunteers.models import SocialOrganization

    p = organization(district, legal_status="registered", filing_number="", kind="hub")
    org = SocialOrganization.objects.get(pk=p.organization_id)
    assert (org.name, org.community_id, p.kind, p.legal_status) == (
        "银山为老服务社",
        district.communities["A1"].pk,
        "hub",
        "registered",
    )
    assert p.contact_phone_masked == "139****5678"
    assert "13912345678" not in p.contact_phone_encrypted
    assert ids.decrypt(p.contact_phone_encrypted) == "13912345678"
    assert AuditEvent.objects.filter(event_type="socialorgs.organization_registered").count() == 1


def test_a_uscc_is_checked_with_stdnum_and_a_filed_one_needs_its_number(district):
    good = organization(district, name="甲", legal_status="registered", filing_number="")
    from gongzhi.socialorgs.services.organizations import socialorg_register

    with pytest.raises(ValidationFailed) as exc:
        socialorg_register(
            actor=district.user("community_worker"),
            community_id=district.communities["A1"].pk,
            name="乙",
            uscc="91370100MA00000001",
            data=profile_input(filing_number="X-2"),
        )
    assert exc.value.fields == {"uscc": "统一社会信用代码格式不正确"}
    p = socialorg_register(
        actor=district.user("community_worker"),
        community_id=district.communities["A1"].pk,
        name="丙",
        uscc=uscc(7),
        data=profile_input(filing_number="X-3"),
    )
    assert p.organization.uscc == uscc(7)
    with pytest.raises(ValidationFailed) as exc:
        organization(district, name="丁", filing_number="")
    assert exc.value.fields == {"filing_number": "街道备案的组织请填写备案编号"}
    with pytest.raises(ValidationFailed) as exc:
        organization(district, name="戊", party_instructor="", filing_number="X-4")
    assert "党建指导员" in exc.value.message
    assert OrganizationProfile.objects.count() == 2 and good.pk


def test_a_community_worker_registers_only_in_their_community(district):
    from gongzhi.socialorgs.services.organizations import socialorg_register
    from gongzhi.volunteers.models import SocialOrganization

    with pytest.raises(ValidationFailed) as exc:
        socialorg_register(
            actor=district.user("community_worker"),
            community_id=district.communities["B1"].pk,
            name="外社区组织",
            data=profile_input(),
        )
    assert "本人负责的社区" in exc.value.message
    assert not SocialOrganization.objects.filter(name="外社区组织").exists()


def test_a_volunteer_teams_organisation_gets_its_profile(district):
    from gongzhi.volunteers.services.teams import social_organization_create

    org = social_organization_create(
        actor=district.user("community_worker"), community_id=district.communities["A1"].pk, name="老年合唱团"
    )
    assert [
        o.pk for o in selectors.unprofiled_organizations_for_actor(actor=district.user("community_worker"))
    ] == [org.pk]
    p = socialorg_profile_save(
        actor=district.user("community_worker"), organization_id=org.pk, data=profile_input(field="文化体育")
    )
    assert p.field == "文化体育"
    p = socialorg_profile_save(
        actor=district.user("community_worker"), organization_id=org.pk, data=profile_input(field="邻里互助")
    )
    assert OrganizationProfile.objects.get(organization=org).field == "邻里互助"
    with pytest.raises(NotFound):
        socialorg_profile_save(
            actor=district.user("grid_worker"), organization_id=org.pk, data=profile_input()
        )


def test_incubation_graduates_when_every_milestone_is_done(district):
    p = organization(district)
    cw = district.user("community_worker")
    start = timezone.localdate() - dt.timedelta(days=100)
    inc = incubation_enter(
        actor=cw,
        organization_id=p.organization_id,
        cohort="2026年第一批",
        mentor_name="赵导师",
        entered_on=start,
        milestones=[("完成备案", start + dt.timedelta(days=30))],
    )
    with pytest.raises(Conflict):
        incubation_enter(actor=cw, organization_id=p.organization_id, cohort="重复", mentor_name="x")
    step2 = incubation_milestone_add(
        actor=cw, incubation_id=inc.pk, title="开展首个项目", due_on=start + dt.timedelta(days=60)
    )
    with pytest.raises(Conflict) as exc:
        incubation_graduate(actor=cw, incubation_id=inc.pk, note="运转良好")
    assert "尚有孵化节点未完成" in exc.value.message
    for m in inc.milestones.all():
        incubation_milestone_done(actor=cw, milestone_id=m.pk)
    assert step2.pk
    done = incubation_graduate(actor=cw, incubation_id=inc.pk, note="运转良好，出壳")
    assert done.status == "graduated"
    with pytest.raises(Conflict) as exc:
        incubation_graduate(actor=cw, incubation_id=inc.pk, note="再来")
    assert exc.value.code == "illegal_transition" and "已出壳" in exc.value.message


def test_a_yearly_plan_is_filed_once_per_year(district):
    p = organization(district)
    cw = district.user("community_worker")
    yearly_plan_file(
        actor=cw, organization_id=p.organization_id, year=2026, goals="新增两个服务项目", planned_projects=2
    )
    plan = yearly_plan_file(
        actor=cw, organization_id=p.organization_id, year=2026, goals="新增三个服务项目", planned_projects=3
    )
    assert (plan.planned_projects, plan.goals) == (3, "新增三个服务项目")
    assert len(selectors.yearly_plan_list_for_actor(actor=cw, organization_id=p.organization_id)) == 1


def _approve(d, project, granted="4000.25"):
    funded_project_review(actor=d.user("community_secretary"), project_id=project.pk, score=80)
    funded_project_review(actor=d.user("subdistrict_staff"), project_id=project.pk, score=71)
    return funded_project_decide(
        actor=d.user("subdistrict_staff"), project_id=project.pk, approve=True, granted_yuan=granted
    )


def test_a_funded_project_from_application_to_closing(district):
    from gongzhi.cobuild.models import Resource

    p = organization(district)
    project = applied(district, p, yuan="5000.50")
    assert project.requested_yuan == Decimal("5000.50")
    done = _approve(district, project)
    assert (done.status, done.granted_yuan) == ("approved", Decimal("4000.25"))
    res = Resource.objects.get(pk=done.resource_id)
    assert (res.provider_kind, res.social_organization_id, res.categories, res.active) == (
        "social_organization",
        p.organization_id,
        ["elderly_care"],
        True,
    )
    funded_project_deliver(
        actor=district.user("community_worker"), project_id=project.pk, title="助餐第一周", person_times=35
    )
    funded_project_deliver(
        actor=district.user("community_worker"), project_id=project.pk, title="助餐第二周", person_times=40
    )
    closed = funded_project_close(
        actor=district.user("subdistrict_staff"), project_id=project.pk, report="按期完成", score=86
    )
    assert (closed.status, closed.grade) == ("closed", "A")
    assert FundedProject.objects.get(pk=project.pk).person_times == 75
    res.refresh_from_db()
    assert not res.active
    counts = selectors.socialorg_counts()
    assert counts == {
        "organizations": 1,
        "incubated": 0,
        "funded_projects": 1,
        "funds_yuan": 4000.25,
        "licensed_social_workers": 0,
    }


def test_a_decision_needs_two_reviews_a_pass_and_a_grant_within_the_request(district):
    p = organization(district)
    project = applied(district, p, yuan="3000")
    ss = district.user("subdistrict_staff")
    with pytest.raises(Conflict) as exc:
        funded_project_decide(actor=ss, project_id=project.pk, approve=True, granted_yuan="3000")
    assert "至少2位评审" in exc.value.message
    funded_project_review(actor=district.user("community_secretary"), project_id=project.pk, score=50)
    with pytest.raises(Conflict):
        funded_project_review(actor=district.user("community_secretary"), project_id=project.pk, score=90)
    funded_project_review(actor=ss, project_id=project.pk, score=69)
    with pytest.raises(Conflict) as exc:
        funded_project_decide(actor=ss, project_id=project.pk, approve=True, granted_yuan="3000")
    assert "59.50" in exc.value.message
    with pytest.raises(ValidationFailed) as bad:
        funded_project_decide(actor=ss, project_id=project.pk, approve=True, granted_yuan="3000.001")
    assert "两位小数" in bad.value.message
    with pytest.raises(Forbidden):  # the community does not decide: the subdistrict holds the funds
        funded_project_decide(
            actor=district.user("community_worker"), project_id=project.pk, approve=False, note="x"
        )
    rejected = funded_project_decide(actor=ss, project_id=project.pk, approve=False, note="评分未达标")
    assert rejected.status == "rejected" and rejected.granted_yuan is None


def test_a_grant_over_the_request_is_refused(district):
    p = organization(district)
    project = applied(district, p, yuan="1000.00")
    funded_project_review(actor=district.user("community_secretary"), project_id=project.pk, score=90)
    funded_project_review(actor=district.user("subdistrict_staff"), project_id=project.pk, score=90)
    with pytest.raises(ValidationFailed) as exc:
        funded_project_decide(
            actor=district.user("subdistrict_staff"),
            project_id=project.pk,
            approve=True,
            granted_yuan="1000.01",
        )
    assert exc.value.fields == {"granted_yuan": "资助资金不能超过申请的1000.00元"}


def test_nobody_reviews_or_decides_the_project_they_applied_for(district):
    from gongzhi.socialorgs.services.projects import funded_project_apply
    from gongzhi.socialorgs.tests.factories import project_input

    p = organization(district)
    ss = district.user("subdistrict_staff")
    project = funded_project_apply(actor=ss, organization_id=p.organization_id, data=project_input())
    for call in (
        lambda: funded_project_review(actor=ss, project_id=project.pk, score=90),
        lambda: funded_project_decide(actor=ss, project_id=project.pk, approve=False, note="x"),
    ):
        with pytest.raises(Forbidden) as exc:
            call()
        assert exc.value.code == "own_work"


def _contest(d):
    ss = d.user("subdistrict_staff")
    contest = contest_open(
        actor=ss, subdistrict_code=d.subdistricts["A"].code, year=2026, title="2026年度大赛", winners=1
    )
    a = organization(d, name="甲组织", filing_number="A-1")
    b = organization(d, name="乙组织", filing_number="B-1")
    ea = contest_entry_add(
        actor=d.user("community_worker"),
        contest_id=contest.pk,
        organization_id=a.organization_id,
        title="甲项目",
    )
    eb = contest_entry_add(
        actor=d.user("community_worker"),
        contest_id=contest.pk,
        organization_id=b.organization_id,
        title="乙项目",
    )
    contest_judge_add(
        actor=ss, contest_id=contest.pk, username="community_secretary", organization_id=a.organization_id
    )
    contest_judge_add(actor=ss, contest_id=contest.pk, username="district_admin")
    return contest, ea, eb


def test_the_contest_from_entries_to_winners_and_brand(district):
    contest, ea, eb = _contest(district)
    ss, sec, admin = (
        district.user("subdistrict_staff"),
        district.user("community_secretary"),
        district.user("district_admin"),
    )
    with pytest.raises(Conflict):
        contest_entry_score(actor=admin, entry_id=ea.pk, scores=SHEET)  # still open
    contest_scoring_start(actor=ss, contest_id=contest.pk)
    s = contest_entry_score(actor=admin, entry_id=ea.pk, scores=SHEET)
    assert s.total == Decimal("88.5")
    contest_entry_score(actor=admin, entry_id=eb.pk, scores={**SHEET, "need": 30})
    contest_entry_score(actor=sec, entry_id=eb.pk, scores={**SHEET, "need": 20})
    with pytest.raises(Conflict):
        contest_entry_score(actor=admin, entry_id=eb.pk, scores=SHEET)
    finished = contest_finish(actor=ss, contest_id=contest.pk)
    assert finished.status == "finished"
    ea.refresh_from_db()
    eb.refresh_from_db()
    # 甲: 88.5; 乙: (91.5 + 81.5) / 2 = 86.5
    assert (ea.average, ea.rank, ea.winner) == (Decimal("88.50"), 1, True)
    assert (eb.average, eb.rank, eb.winner) == (Decimal("86.50"), 2, False)
    with pytest.raises(Conflict):
        contest_entry_brand(actor=ss, entry_id=eb.pk)
    assert contest_entry_brand(actor=ss, entry_id=ea.pk).brand


def test_a_judge_never_scores_an_entry_of_their_own_organisation(district):
    contest, ea, _eb = _contest(district)
    contest_scoring_start(actor=district.user("subdistrict_staff"), contest_id=contest.pk)
    before = (ScoreSheet.objects.count(), AuditEvent.objects.count())
    with pytest.raises(Forbidden) as exc:
        contest_entry_score(actor=district.user("community_secretary"), entry_id=ea.pk, scores=SHEET)
    assert exc.value.code == "own_work" and "本人所在组织" in exc.value.message
    assert (ScoreSheet.objects.count(), AuditEvent.objects.count()) == before
    with pytest.raises(NotFound):  # not a judge
        contest_entry_score(actor=district.user("community_worker"), entry_id=ea.pk, scores=SHEET)


def test_a_contest_is_not_finished_with_an_unscored_entry(district):
    contest, ea, _eb = _contest(district)
    contest_scoring_start(actor=district.user("subdistrict_staff"), contest_id=contest.pk)
    contest_entry_score(actor=district.user("district_admin"), entry_id=ea.pk, scores=SHEET)
    with pytest.raises(Conflict) as exc:
        contest_finish(actor=district.user("subdistrict_staff"), contest_id=contest.pk)
    assert "未评分" in exc.value.message and "乙项目" in exc.value.message


def test_only_the_subdistrict_opens_a_contest(district):
    with pytest.raises(ValidationFailed):
        contest_open(
            actor=district.user("community_worker"),
            subdistrict_code=district.subdistricts["A"].code,
            year=2026,
            title="x",
        )
    with pytest.raises(ValidationFailed):
        contest_open(
            actor=district.user("subdistrict_staff"),
            subdistrict_code=district.subdistricts["B"].code,
            year=2026,
            title="x",
        )


def test_social_workers_with_certificates(district):
    cw = district.user("community_worker")
    a1 = district.communities["A1"].pk
    w = social_worker_register(
        actor=cw,
        community_id=a1,
        data=WorkerInput(
            name="周社工",
            kind="licensed_social_worker",
            level="社会工作师",
            certificate_number="SG2024001",
            issued_on=dt.date(2024, 6, 1),
            phone="13800001111",
        ),
    )
    assert w.phone_masked == "138****1111"
    with pytest.raises(ValidationFailed):
        social_worker_register(
            actor=cw,
            community_id=a1,
            data=WorkerInput(
                name="重",
                kind="licensed_social_worker",
                level="社会工作师",
                certificate_number="SG2024001",
                issued_on=dt.date(2024, 6, 1),
            ),
        )
    with pytest.raises(ValidationFailed) as exc:
        social_worker_register(
            actor=cw,
            community_id=a1,
            data=WorkerInput(
                name="和",
                kind="harmony_envoy",
                level="社会工作师",
                certificate_number="HX1",
                issued_on=dt.date(2024, 6, 1),
            ),
        )
    assert "等级应为" in exc.value.message
    social_worker_register(
        actor=cw,
        community_id=a1,
        data=WorkerInput(
            name="过期",
            kind="licensed_social_worker",
            level="助理社会工作师",
            certificate_number="SG-old",
            issued_on=dt.date(2018, 1, 1),
            expires_on=dt.date(2021, 1, 1),
        ),
    )
    assert selectors.socialorg_counts()["licensed_social_workers"] == 1


def test_grid_staff_and_other_communities_see_no_organisation(district):
    p = organization(district)
    project = applied(district, p)
    for key in ("grid_worker", "grid_worker_g2", "resident", "party_member"):
        u = district.user(key)
        assert not selectors.organization_profile_list_for_actor(actor=u).exists()
        with pytest.raises(NotFound):
            selectors.funded_project_get_for_actor(actor=u, project_id=project.pk)
    b1 = organization(district, name="安大组织", community="B1", filing_number="B1-1")
    visible = list(selectors.organization_profile_list_for_actor(actor=district.user("community_worker")))
    assert [v.pk for v in visible] == [p.pk] and b1.pk
    with pytest.raises(NotFound):
        funded_project_review(actor=district.user("grid_worker"), project_id=project.pk, score=80)


def test_a_worker_whose_certificate_the_academy_holds_points_at_it(district):
    from gongzhi.training.services.trainees import qualification_record, trainee_register

    cw = district.user("community_worker")
    a1 = district.communities["A1"]
    trainee = trainee_register(actor=cw, community_id=a1.pk, name="吴社工", kind="staff")
    q = qualification_record(
        actor=cw,
        trainee_id=trainee.pk,
        kind="licensed_social_worker",
        number="SW2025001",
        issued_on=dt.date(2025, 3, 1),
        level="社会工作师",
    )
    w = social_worker_register(
        actor=cw,
        community_id=a1.pk,
        data=WorkerInput(
            name="吴社工",
            kind="licensed_social_worker",
            level="社会工作师",
            certificate_number="SW2025001",
            issued_on=dt.date(2025, 3, 1),
        ),
    )
    assert w.qualification_id == q.pk
