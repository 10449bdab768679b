"""One-time codes, with real threads at a barrier (gongzhi.testing_concurrency): a code signs in once
however many requests bring it at the same moment, and one code is sent per phone per minute."""

from __future__ import annotations

import pytest

from gongzhi.accounts.models import OneTimeCode
from gongzhi.accounts.services import otp_consume, otp_request
from gongzhi.accounts.testing import SENT
from gongzhi.core import ids
from gongzhi.testing_concurrency import one_winner, race

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
