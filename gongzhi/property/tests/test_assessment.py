"""The quarterly assessment: the arithmetic on hand-made figures, the residents' one rating per household
per quarter, the ticket figures of an estate, a subdistrict's ranking and its xlsx read back."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import openpyxl
import pytest
from django.utils import timezone

from gongzhi.core.errors import ApplicationError
from gongzhi.people.services import resident_account_for_phone
from gongzhi.places.models import District
from gongzhi.property import scoring
from gongzhi.property.enums import Subject
from gongzhi.property.exports import assessment_xlsx
from gongzhi.property.models import PropertyAssessment, PropertyRating
from gongzhi.property.services._validation import quarter_containing
from gongzhi.property.services.assessment import property_assessment_run, property_assessment_weights_set
from gongzhi.property.services.ratings import ALREADY_RATED, RatingInput, property_rating_submit
from gongzhi.property.tests.factories import set_up_estate
from gongzhi.tickets.models import Ticket
from gongzhi.tickets.selectors.estates import EstateKey, estate_ticket_figures
from gongzhi.tickets.services import TicketInput, ticket_report

pytestmark = pytest.mark.django_db


def test_the_arithmetic_on_hand_made_figures():
    f = scoring.Figures(
        rating_sum=18, ratings=4, due=10, on_time=8, callbacks=5, satisfied=4, reported=10, repeats=2
    )
    values = scoring.indicators(f)
    assert values["resident_rating"] == {"value": 4.5, "numerator": 18, "denominator": 4, "score": 90.0}
    assert values["on_time_rate"]["score"] == 80.0
    assert values["satisfaction_rate"]["score"] == 80.0
    assert values["repeat_complaints"] == {"value": 20.0, "numerator": 2, "denominator": 10, "score": 80.0}
    assert values["resolutions_done"]["score"] is None  # no resolution to carry out: left out
    weights = {
        "resident_rating": 40,
        "on_time_rate": 20,
        "satisfaction_rate": 15,
        "repeat_complaints": 10,
        "resolutions_done": 15,
    }
    # (90×40 + 80×20 + 80×15 + 80×10) / 85 = 7200 / 85 = 84.705… → 84.71
    assert scoring.weighted_score(values, weights) == Decimal("84.71")
    f.resolutions_due, f.resolutions_done = 4, 1
    # + 25×15: 7575 / 100
    assert scoring.weighted_score(scoring.indicators(f), weights) == Decimal("75.75")
    assert scoring.weighted_score(scoring.indicators(scoring.Figures()), weights) == Decimal("0.00")
    assert scoring.ranks([Decimal(90), Decimal(85), Decimal(90), Decimal(70)]) == [1, 3, 1, 4]


def test_a_household_rates_once_a_quarter(district):
    set_up_estate(district)
    resident = district.user("resident")
    rating = property_rating_submit(
        actor=resident,
        data=RatingInput(company_score=4, committee_score=5, branch_score=3, comment="保洁及时"),
    )
    assert rating.quarter == quarter_containing(timezone.localdate()).key
    with pytest.raises(ApplicationError) as exc:
        property_rating_submit(actor=resident, data=RatingInput(company_score=1))
    assert (exc.value.status, exc.value.code, exc.value.message) == (409, "already_rated", ALREADY_RATED)
    # the spouse, with an account of their own, rates for the same household: refused as well
    spouse = district.persons["g1"][1]
    assert spouse.household_id == rating.household_id
    other = resident_account_for_phone(phone_hash=spouse.phone_hash)
    with pytest.raises(ApplicationError) as exc:
        property_rating_submit(actor=other, data=RatingInput(company_score=2))
    assert exc.value.status == 409
    assert PropertyRating.objects.count() == 1


def test_rating_scores_are_checked(district):
    set_up_estate(district)
    with pytest.raises(ApplicationError) as exc:
        property_rating_submit(actor=district.user("resident"), data=RatingInput(company_score=6))
    assert exc.value.fields == {"company_score": "物业服务评分应为1到5"}
    with pytest.raises(ApplicationError) as exc:
        property_rating_submit(actor=district.user("resident"), data=RatingInput())
    assert exc.value.status == 400
    assert not PropertyRating.objects.exists()


def _property_ticket(actor, text: str, **kw) -> Ticket:
    reported = ticket_report(actor=actor, data=TicketInput(description=text, category_code="301020", **kw))
    return Ticket.objects.get(pk=reported.pk)


def _settle(ticket: Ticket, *, on_time: bool, satisfaction: str = "") -> None:
    deadline = timezone.now() + dt.timedelta(hours=1)
    handled = deadline - dt.timedelta(minutes=30) if on_time else deadline + dt.timedelta(minutes=30)
    Ticket.objects.filter(pk=ticket.pk).update(
        sla_counted=True, deadline=deadline, first_handled_at=handled, satisfaction=satisfaction
    )


def test_ticket_figures_of_an_estate(district):
    estate_a1, *_ = set_up_estate(district, "A1", n=1)
    estate_a2, *_ = set_up_estate(district, "A2", n=2)
    resident = district.user("resident")
    g1 = district.grids["g1"]
    first = _property_ticket(resident, "物业收费不公开", lng=117.105, lat=36.985)
    second = _property_ticket(resident, "物业收费仍不公开", lng=117.105, lat=36.985)
    _settle(first, on_time=True, satisfaction="satisfied")
    _settle(second, on_time=False, satisfaction="dissatisfied")
    assert first.household_id and first.grid_code == g1.code
    # without a household: by the address in the estate's community
    third = _property_ticket(
        district.user("district_admin"),
        "楼道灯不亮",
        channel="assigned",
        grid_code=district.grids["g3"].code,
        address="城里社区小区1号楼1单元101",
    )
    _settle(third, on_time=True, satisfaction="fairly")
    ticket_report(  # another class (街面秩序): not a property matter
        actor=resident,
        data=TicketInput(description="乱停车", category_code="205010", lng=117.105, lat=36.985),
    )
    q = quarter_containing(timezone.localdate())
    figures = estate_ticket_figures(
        estates=[
            EstateKey(estate_a1.pk, estate_a1.community_code, estate_a1.name),
            EstateKey(estate_a2.pk, estate_a2.community_code, estate_a2.name),
        ],
        start=q.start,
        end=q.end,
        category_prefix="301",
    )
    a1, a2 = figures[estate_a1.pk], figures[estate_a2.pk]
    assert (a1.reported, a1.due, a1.on_time, a1.callbacks, a1.satisfied, a1.repeats) == (2, 2, 1, 2, 1, 1)
    assert (a2.reported, a2.due, a2.on_time, a2.callbacks, a2.satisfied, a2.repeats) == (1, 1, 1, 1, 1, 0)
    assert third.household_id is None


def test_a_subdistrict_is_ranked_and_exported(district):
    _e1, company1, _committee1, branch1 = set_up_estate(district, "A1", n=1)
    _e2, company2, committee2, branch2 = set_up_estate(district, "A2", n=2)
    admin = district.user("district_admin")
    property_assessment_weights_set(
        actor=admin,
        district_id=District.objects.get().pk,
        weights={
            s: {
                "resident_rating": 100,
                "on_time_rate": 0,
                "satisfaction_rate": 0,
                "repeat_complaints": 0,
                "resolutions_done": 0,
            }
            for s in Subject.values
        },
    )
    property_rating_submit(
        actor=district.user("resident"), data=RatingInput(company_score=5, committee_score=3, branch_score=4)
    )
    a2_person = district.persons["g3"][0]
    property_rating_submit(
        actor=resident_account_for_phone(phone_hash=a2_person.phone_hash),
        data=RatingInput(company_score=2, committee_score=4, branch_score=4),
    )
    q = quarter_containing(timezone.localdate())
    rows = property_assessment_run(
        actor=district.user("subdistrict_staff"), subdistrict_id=district.subdistricts["A"].pk, quarter=q.key
    )
    by = {(r.subject, r.subject_id): r for r in rows}
    assert (by[(Subject.COMPANY, company1.pk)].score, by[(Subject.COMPANY, company1.pk)].rank) == (
        Decimal("100.00"),
        1,
    )
    assert (by[(Subject.COMPANY, company2.pk)].score, by[(Subject.COMPANY, company2.pk)].rank) == (
        Decimal("40.00"),
        2,
    )
    assert by[(Subject.OWNERS_COMMITTEE, committee2.pk)].rank == 1
    assert by[(Subject.BRANCH, branch1.pk)].rank == by[(Subject.BRANCH, branch2.pk)].rank == 1
    # running again replaces the quarter's results
    property_assessment_run(actor=admin, subdistrict_id=district.subdistricts["A"].pk, quarter=q.key)
    assert PropertyAssessment.objects.filter(quarter=q.key).count() == 6
    with pytest.raises(ApplicationError) as exc:
        property_assessment_run(
            actor=district.user("subdistrict_staff"),
            subdistrict_id=district.subdistricts["B"].pk,
            quarter=q.key,
        )
    assert exc.value.status == 403
    content = assessment_xlsx(
        PropertyAssessment.objects.filter(quarter=q.key),
        quarter_label=q.label,
        subdistrict_names={district.subdistricts["A"].code: "济阳街道"},
    )
    wb = openpyxl.load_workbook(io.BytesIO(content))
    assert wb.sheetnames == ["物业公司", "业委会", "同心桥党支部"]
    sheet = list(wb["物业公司"].iter_rows(values_only=True))
    assert sheet[0][0] == f"{q.label} 红色物业考核 · 物业公司"
    assert sheet[1][:5] == ("街道", "排名", "名称", "小区", "得分")
    assert [(r[0], r[1], r[2], r[4]) for r in sheet[2:]] == [
        ("济阳街道", 1, company1.name, 100.0),
        ("济阳街道", 2, company2.name, 40.0),
    ]
    assert sheet[2][5:8] == (5.0, 100.0, 100)  # 居民评价: average 5, score 100, weight 100


def test_weights_must_add_up_to_100(district):
    with pytest.raises(ApplicationError) as exc:
        property_assessment_weights_set(
            actor=district.user("district_admin"),
            district_id=District.objects.get().pk,
            weights={"company": {"resident_rating": 50}},
        )
    assert exc.value.fields == {"weights.company": "物业公司各项权重之和应为100，当前为50"}
    with pytest.raises(ApplicationError) as exc:
        property_assessment_weights_set(
            actor=district.user("subdistrict_staff"), district_id=District.objects.get().pk, weights={}
        )
    assert exc.value.status == 403
