"""双报到 once per community, with real threads at a barrier (gongzhi.testing_concurrency): the same
in-service member registered twice at the same moment is one member with one registration."""

from __future__ import annotations

import pytest

from gongzhi.audit.models import AuditEvent
from gongzhi.party import registration as reg
from gongzhi.party.models import MemberRegistration, PartyMember
from gongzhi.party.tests.test_registration import member_args
from gongzhi.testing_concurrency import one_winner, race

pytestmark = pytest.mark.django_db(transaction=True)
MESSAGE = "您已在该社区报到，无需重复报到"


def args(district, community="A1"):
    return member_args(district, community=community, workplace_org="济阳区人民医院党支部")


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
