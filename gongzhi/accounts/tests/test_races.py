"""One-time codes, with real threads at a barrier (gongzhi.testing.concurrency): a code signs in once
however many requests bring it at the same moment, and one code is sent per phone per minute."""

from __future__ import annotations

import pytest

from gongzhi.accounts.models import OneTimeCode
from gongzhi.accounts.services import otp_consume, otp_request
from gongzhi.core import ids
from gongzhi.testing.concurrency import one_winner, race
from gongzhi.testing.sms import SENT

pytestmark = pytest.mark.django_db(transaction=True)
PHONE = "13912340001"


def test_a_code_used_twice_at_once_signs_in_once():
    otp_request(phone=PHONE)
    code, phone_hash = SENT[PHONE], ids.keyed_hash(PHONE)
    results = race(
        lambda: otp_consume(phone_hash=phone_hash, code=code),
        lambda: otp_consume(phone_hash=phone_hash, code=code),
    )
    assert sorted(results) == [False, True], results
    assert OneTimeCode.objects.get().used is True


def test_two_code_requests_at_once_send_one_code():
    results = race(lambda: otp_request(phone=PHONE), lambda: otp_request(phone=PHONE))
    one_winner(results, message="验证码发送过于频繁", status=429)
    assert OneTimeCode.objects.filter(phone_hash=ids.keyed_hash(PHONE)).count() == 1


@pytest.mark.parametrize(
    ("role", "scope"),
    [
        ("grid_worker", lambda d: {"place_code": d.grids["g2"].code}),
        ("department_handler", lambda d: {"department": d.department}),
    ],
)
def test_the_same_role_granted_twice_at_once_is_one_assignment(district, role, scope):
    """Granting is idempotent (a second grant returns the active assignment): two admins granting the same
    role at once both get the one assignment, and the grant is audited once."""
    from gongzhi.accounts.models import RoleAssignment
    from gongzhi.accounts.services import role_assign, user_create
    from gongzhi.audit.models import AuditEvent

    admin = district.user("district_admin")
    user = user_create(actor=admin, username="new_worker", password=None)
    results = race(
        lambda: role_assign(actor=admin, user=user, role=role, **scope(district)),
        lambda: role_assign(actor=admin, user=user, role=role, **scope(district)),
    )
    assert not any(isinstance(r, Exception) for r in results), results
    active = list(
        RoleAssignment.objects.filter(user=user, role=role, active=True).values_list("pk", flat=True)
    )
    assert len(active) == 1 and {r.pk for r in results} == set(active)
    assert AuditEvent.objects.filter(event_type="accounts.role_assigned", target_id=str(user.pk)).count() == 1


@pytest.mark.parametrize(
    "scope",
    [
        lambda d: {"role": "grid_worker", "level": "grid", "place_code": d.grids["g2"].code},
        lambda d: {"role": "department_handler", "level": "department", "department": d.department},
        lambda d: {"role": "resident", "level": "household", "household": d.households["g2"][0]},
    ],
)
def test_the_database_refuses_a_second_active_assignment(district, scope):
    """The last word behind the lock: NULLs never clash in a unique index, so the constraint compares the
    department and household of each kind of role as 0 when they are empty."""
    from django.db import IntegrityError, transaction

    from gongzhi.accounts.models import RoleAssignment
    from gongzhi.accounts.services import user_create

    user = user_create(actor=None, username="new_worker", password=None)
    RoleAssignment.objects.create(user=user, **scope(district))
    with pytest.raises(IntegrityError), transaction.atomic():
        RoleAssignment.objects.create(user=user, **scope(district))
    RoleAssignment.objects.filter(user=user).update(active=False)
    RoleAssignment.objects.create(user=user, **scope(district))  # a revoked one does not count
    assert RoleAssignment.objects.filter(user=user).count() == 2
