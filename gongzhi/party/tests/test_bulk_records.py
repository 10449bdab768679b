"""Service already done, entered in bulk: the same rules as one record at a time, all or nothing."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from gongzhi.core.errors import NotFound, ValidationFailed
from gongzhi.party.models import ServiceRecord
from gongzhi.party.services import serving_bulk as serving
from gongzhi.party.tests.test_serving import build_world


def rows_for(member, *hours, day=None):
    day = day or timezone.localdate() - dt.timedelta(days=2)
    return [
        serving.RecordRow(member_id=member.pk, served_on=day, hours=Decimal(h), content="入户走访")
        for h in hours
    ]


def test_bulk_confirmed_records_are_written_in_one_go(district):
    d = build_world(district)
    worker = d.user("community_worker")
    n = serving.service_records_bulk_confirmed(
        actor=worker, community_id=d.communities["A1"].pk, rows=rows_for(d.li, "2", "1.5")
    )
    assert n == 2
    assert ServiceRecord.objects.filter(member=d.li, status="confirmed").count() == 2


@pytest.mark.parametrize(
    ("hours", "fragment"), [(("-1",), "第1条"), (("2", "0.3"), "第2条"), (("20", "5"), "超过24小时")]
)
def test_a_bad_row_refuses_the_whole_batch(district, hours, fragment):
    d = build_world(district)
    with pytest.raises(ValidationFailed, match=fragment):
        serving.service_records_bulk_confirmed(
            actor=d.user("community_worker"), community_id=d.communities["A1"].pk, rows=rows_for(d.li, *hours)
        )
    assert not ServiceRecord.objects.exists()


def test_members_of_another_community_and_outsiders_are_refused(district):
    d = build_world(district)
    with pytest.raises(ValidationFailed, match="未在本社区报到"):
        serving.service_records_bulk_confirmed(
            actor=d.user("community_worker"), community_id=d.communities["A1"].pk, rows=rows_for(d.zhao, "1")
        )
    with pytest.raises(NotFound):
        serving.service_records_bulk_confirmed(
            actor=d.user("grid_worker_g2"), community_id=d.communities["B1"].pk, rows=rows_for(d.zhao, "1")
        )
    assert not ServiceRecord.objects.exists()
