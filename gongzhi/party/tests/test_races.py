"""Only one may win in 党建, with real threads at a barrier (gongzhi.testing.concurrency): 双报到 once per
community (the same in-service member registered twice at the same moment is one member with one
registration, also against the bulk import), one unit per 统一社会信用代码, card numbers apart, one scheme
per year, one assessment per unit, one feedback letter per member and period."""

from __future__ import annotations

import pytest

from gongzhi.audit.models import AuditEvent
from gongzhi.core import ids
from gongzhi.party.models import MemberRegistration, PartyMember
from gongzhi.party.services import registration as reg
from gongzhi.party.tests.test_evaluation import ev  # noqa: F401  (the evaluation world, a fixture)
from gongzhi.party.tests.test_registration import member_args
from gongzhi.testing.concurrency import one_winner, race

pytestmark = pytest.mark.django_db(transaction=True)
MESSAGE = "您已在该社区报到，无需重复报到"


def args(district, community="A1", **kw):
    return member_args(district, community=community, workplace_org="济阳区人民医院党支部", **kw)


def test_a_member_registering_themself_twice_at_once(district):
    me = district.user("party_member")
    results = race(
        lambda: reg.member_register(actor=me, **args(district)),
        lambda: reg.member_register(actor=me, **args(district)),
    )
    one_winner(results, message=MESSAGE)
    assert PartyMember.objects.count() == 1
    assert MemberRegistration.objects.count() == 1
    assert AuditEvent.objects.filter(event_type="party.member_registered").count() == 1


def test_two_staff_entering_the_same_new_member_at_once(district):
    a, b = district.user("community_worker"), district.user("community_secretary")
    results = race(
        lambda: reg.member_register(actor=a, **args(district)),
        lambda: reg.member_register(actor=b, **args(district)),
    )
    one_winner(results, message=MESSAGE)
    assert PartyMember.objects.count() == 1  # one person, not two members with the same phone
    assert MemberRegistration.objects.count() == 1
    assert AuditEvent.objects.filter(event_type="party.member_registered").count() == 1


def test_the_same_member_entered_in_two_communities_at_once_is_one_member(district):
    a, b = district.user("community_worker"), district.user("district_admin")
    results = race(
        lambda: reg.member_register(actor=a, **args(district, "A1")),
        lambda: reg.member_register(actor=b, **args(district, "B1")),
    )
    assert not any(isinstance(r, Exception) for r in results), results
    assert PartyMember.objects.count() == 1
    assert MemberRegistration.objects.count() == 2


def test_the_same_unit_registered_twice_at_once(district):
    from gongzhi.party.models import Unit
    from gongzhi.party.tests.test_units import make_uscc

    a, b = district.user("community_worker"), district.user("district_admin")
    uscc = make_uscc(7)

    def register(actor, name):
        return reg.unit_register(
            actor=actor, community_id=district.communities["A1"].pk, name=name, uscc=uscc, kind="hospital"
        )

    results = race(lambda: register(a, "济阳区人民医院"), lambda: register(b, "济阳区人民医院（分院）"))
    winner, _ = one_winner(results, message="该统一社会信用代码已登记")
    assert list(Unit.objects.values_list("pk", flat=True)) == [winner.pk]
    assert AuditEvent.objects.filter(event_type="party.unit_registered").count() == 1


# --- card numbers, and the bulk path against a single registration ---------------------------------


def _submitted(district, n: int):
    staff = district.user("community_worker")
    return [
        reg.member_register(actor=staff, **args(district, name=f"党员{i}", phone=f"1390641{2000 + i:04d}"))
        for i in range(n)
    ]


def _accept(actor, registration, grid_code):
    return lambda: reg.registration_accept(
        actor=actor, registration_id=registration.pk, classification="general", grid_code=grid_code
    )


def test_two_registrations_accepted_at_once_get_two_card_numbers(district):
    r1, r2 = _submitted(district, 2)
    g1 = district.grids["g1"].code
    results = race(
        _accept(district.user("community_worker"), r1, g1),
        _accept(district.user("community_secretary"), r2, g1),
    )
    assert not any(isinstance(r, Exception) for r in results), results
    prefix = f"BD-{district.communities['A1'].code}-"
    cards = sorted(MemberRegistration.objects.values_list("card_number", flat=True))
    assert cards == [f"{prefix}00001", f"{prefix}00002"]
    assert AuditEvent.objects.filter(event_type="party.registration_accepted").count() == 2


def test_a_bulk_import_and_an_acceptance_at_once_number_the_cards_apart(district):
    (r1,) = _submitted(district, 1)
    a1, g1 = district.communities["A1"], district.grids["g1"].code
    entries = [
        reg.AcceptedMember(
            reg.MemberInput(f"导入党员{i}", f"1390641{3000 + i:04d}", "地址", workplace_org="济阳区委党校"),
            g1,
            "general",
        )
        for i in range(3)
    ]
    results = race(
        _accept(district.user("community_worker"), r1, g1),
        lambda: reg.members_bulk_register_accepted(actor=None, community_id=a1.pk, entries=entries),
    )
    assert not any(isinstance(r, Exception) for r in results), results
    prefix = f"BD-{a1.code}-"
    cards = sorted(MemberRegistration.objects.values_list("card_number", flat=True))
    assert cards == [f"{prefix}{n:05d}" for n in range(1, 5)]


def test_the_same_phone_in_a_bulk_import_and_a_registration_at_once_is_one_member(district):
    a1, g1 = district.communities["A1"], district.grids["g1"].code
    phone = "13906419999"
    entries = [
        reg.AcceptedMember(
            reg.MemberInput("王导入", phone, "银山小区1号楼", workplace_org="济阳区委党校"), g1, "general"
        ),
        reg.AcceptedMember(
            reg.MemberInput("李导入", "13906419998", "银山小区2号楼", workplace_org="济阳区委党校"),
            g1,
            "general",
        ),
    ]
    results = race(
        lambda: reg.member_register(actor=district.user("community_worker"), **args(district, phone=phone)),
        lambda: reg.members_bulk_register_accepted(actor=None, community_id=a1.pk, entries=entries),
    )
    winner, _ = one_winner(results, message=MESSAGE)
    same_phone = PartyMember.objects.filter(phone_hash=ids.keyed_hash(phone))
    assert same_phone.count() == 1
    assert MemberRegistration.objects.filter(member__in=same_phone, community=a1).count() == 1
    if isinstance(winner, int):  # the import won: all of it, and the registration wrote nothing
        assert winner == 2 and PartyMember.objects.count() == 2
        assert not AuditEvent.objects.filter(event_type="party.member_registered").exists()
    else:  # the registration won: the import wrote nothing
        assert PartyMember.objects.count() == MemberRegistration.objects.count() == 1
        assert not AuditEvent.objects.filter(event_type="party.registrations_imported").exists()


# --- evaluation: the yearly scheme and assessment, feedback letters --------------------------------


def test_the_first_scheme_of_a_year_set_twice_at_once_is_one_scheme(district):
    from gongzhi.party.models import AssessmentScheme
    from gongzhi.party.services import evaluation
    from gongzhi.party.tests.test_evaluation import EQUAL, LAST

    admin = district.user("district_admin")
    other = {**dict.fromkeys(EQUAL, 0), "hours": 100}
    results = race(
        lambda: evaluation.assessment_scheme_set(actor=admin, year=LAST, weights=EQUAL),
        lambda: evaluation.assessment_scheme_set(actor=admin, year=LAST, weights=other),
    )
    assert not any(isinstance(r, Exception) for r in results), results  # setting is "create or replace"
    scheme = AssessmentScheme.objects.get(year=LAST)
    assert {r.pk for r in results} == {scheme.pk}
    audits = list(
        AuditEvent.objects.filter(event_type="party.assessment_scheme_set")
        .order_by("id")
        .values_list("data", flat=True)
    )
    assert [a["from"] is None for a in audits] == [True, False]  # the second replaced the first
    assert scheme.weights == audits[1]["to"] and audits[1]["from"] == audits[0]["to"]


def test_units_assessed_twice_at_once_have_one_result_each(ev):  # noqa: F811
    from gongzhi.party.models import Unit, UnitAssessment
    from gongzhi.party.services import evaluation
    from gongzhi.party.tests.test_evaluation import EQUAL, LAST

    admin = ev.user("district_admin")
    evaluation.assessment_scheme_set(actor=admin, year=LAST, weights=EQUAL)
    results = race(
        lambda: evaluation.units_assess(actor=admin, year=LAST),
        lambda: evaluation.units_assess(actor=admin, year=LAST),
    )
    assert not any(isinstance(r, Exception) for r in results), results
    units = Unit.objects.filter(district_code=ev.district.code).count()
    assert units >= 3
    assert UnitAssessment.objects.count() == units
    assert UnitAssessment.objects.values("unit").distinct().count() == units
    replaced = sorted(
        AuditEvent.objects.filter(event_type="party.units_assessed").values_list("data__replaced", flat=True)
    )
    assert replaced == [0, units]


def test_letters_issued_twice_at_once_are_one_per_member(ev):  # noqa: F811
    from gongzhi.party.models import FeedbackLetter
    from gongzhi.party.services import evaluation
    from gongzhi.party.tests.test_evaluation import QUARTER

    results = race(
        lambda: evaluation.feedback_letters_issue(actor=ev.user("community_worker"), period=QUARTER),
        lambda: evaluation.feedback_letters_issue(actor=ev.user("community_secretary"), period=QUARTER),
    )
    assert not any(isinstance(r, Exception) for r in results), results
    assert sorted((r.created, r.unchanged) for r in results) == [(0, 2), (2, 0)]
    assert FeedbackLetter.objects.count() == 2
    assert FeedbackLetter.objects.values("member").distinct().count() == 2
    assert AuditEvent.objects.filter(event_type="party.feedback_letters_issued").count() == 2
