"""Only one may win in mediation, with real threads at a barrier (gongzhi.testing.concurrency), on SQLite
and PostgreSQL: two agreements of one committee at once get numbers 1 and 2 (the committee row is the
lock of the yearly sequence); one case agreed twice at once has one agreement."""

from __future__ import annotations

import pytest

from gongzhi.mediation.models import Case
from gongzhi.mediation.services.outcomes import case_agree
from gongzhi.mediation.tests.factories import make_org, mediating_case
from gongzhi.testing.concurrency import one_winner, race

pytestmark = pytest.mark.django_db(transaction=True)


def test_two_agreements_of_one_committee_at_once_are_numbered_apart(district):
    org = make_org(district)
    a = mediating_case(district, org)
    b = mediating_case(district, org, title="噪音扰民")
    results = race(
        lambda: case_agree(actor=None, case_id=a.pk, terms="赔偿", performance="当日"),
        lambda: case_agree(actor=None, case_id=b.pk, terms="不再施工", performance="即日"),
    )
    assert not [r for r in results if isinstance(r, BaseException)], results
    numbers = [n or 0 for n in Case.objects.values_list("agreement_seq", flat=True)]
    assert sorted(numbers) == [1, 2]


def test_one_case_agreed_twice_at_once_has_one_agreement(district):
    org = make_org(district)
    case = mediating_case(district, org)
    results = race(
        lambda: case_agree(actor=None, case_id=case.pk, terms="赔偿", performance="当日"),
        lambda: case_agree(actor=None, case_id=case.pk, terms="赔偿", performance="当日"),
    )
    one_winner(results, message="不能达成协议")
    case.refresh_from_db()
    assert case.agreement_seq == 1
