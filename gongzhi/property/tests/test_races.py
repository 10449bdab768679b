"""Both members of one household rate the quarter at the same moment, and two clerks register the same
company at once (real threads at a barrier, gongzhi.testing.concurrency): one rating and one company are
written, the other is refused with the Chinese 409 / field message. SQLite and PostgreSQL."""

from __future__ import annotations

import pytest

from gongzhi.people.services import resident_account_for_phone
from gongzhi.property.models import PropertyCompany, PropertyRating
from gongzhi.property.services.ratings import ALREADY_RATED, RatingInput, property_rating_submit
from gongzhi.property.services.register import CompanyInput, property_company_register
from gongzhi.property.tests.factories import set_up_estate, uscc
from gongzhi.testing.concurrency import one_winner, race

pytestmark = pytest.mark.django_db(transaction=True)


def test_two_members_of_a_household_rate_at_once_one_rating(district):
    set_up_estate(district)
    head = district.user("resident")
    spouse = resident_account_for_phone(phone_hash=district.persons["g1"][1].phone_hash)
    results = race(
        lambda: property_rating_submit(actor=head, data=RatingInput(company_score=5)),
        lambda: property_rating_submit(actor=spouse, data=RatingInput(company_score=1)),
    )
    _winner, refusal = one_winner(results, message=ALREADY_RATED)
    assert refusal.status == 409
    assert PropertyRating.objects.count() == 1


def test_one_company_registered_twice_at_once(district):
    clerks = [district.user("subdistrict_staff"), district.user("district_admin")]
    results = race(
        *[
            lambda c=c: property_company_register(
                actor=c,
                subdistrict_id=district.subdistricts["A"].pk,
                data=CompanyInput(name="同时登记物业", uscc=uscc(42)),
            )
            for c in clerks
        ]
    )
    one_winner(results, message="该统一社会信用代码已登记", status=400)
    assert PropertyCompany.objects.count() == 1
