"""A mediation room and a sitting are held at a service venue (服务阵地) of the venues register (issue 22):
the room names one under its committee's place, a sitting takes its room's unless another is chosen, and a
venue of another community, or a closed one, is refused in Chinese with nothing written."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from gongzhi.core.errors import ValidationFailed
from gongzhi.mediation.models import MediationSession, Room
from gongzhi.mediation.services.cases import session_record
from gongzhi.mediation.services.organisation import room_create, room_update
from gongzhi.mediation.tests.factories import make_case, make_org
from gongzhi.venues.enums import VenueKind
from gongzhi.venues.services.venues import VenueInput, venue_register

pytestmark = pytest.mark.django_db


def _venue(d, key: str = "A1", kind: str = VenueKind.MEDIATION_ROOM, name: str = "和事佬调解室"):
    return venue_register(
        actor=d.user("district_admin"),
        community_id=d.communities[key].pk,
        data=VenueInput(kind=kind, name=name, address=f"{key}居委会二楼"),
    )


def test_a_room_at_a_venue_takes_its_address_and_a_far_venue_is_refused(district):
    org = make_org(district)
    here, there = _venue(district), _venue(district, "A2")
    room = room_create(
        actor=None,
        committee_id=org.committee.pk,
        name="二号调解室",
        place="",
        hours="周一至周五",
        venue_id=here.pk,
    )
    assert room.venue_id == here.pk and room.place == "A1居委会二楼"
    before = Room.objects.count()
    with pytest.raises(ValidationFailed) as err:
        room_create(
            actor=None,
            committee_id=org.committee.pk,
            name="三号调解室",
            place="x",
            hours="y",
            venue_id=there.pk,
        )
    assert err.value.fields == {"venue_id": "服务阵地不存在、已停用或不在本辖区"}
    assert Room.objects.count() == before
    with pytest.raises(ValidationFailed):
        room_update(actor=None, room_id=room.pk, name=room.name, place="", hours="y", venue_id=there.pk)
    room.refresh_from_db()
    assert room.venue_id == here.pk
    # the subdistrict's committee may use any venue of its subdistrict
    sub_room = room_create(
        actor=None,
        committee_id=org.sub_committee.pk,
        name="街道调解室",
        place="",
        hours="y",
        venue_id=there.pk,
    )
    assert sub_room.venue_id == there.pk


def test_a_sitting_is_held_at_its_rooms_venue_unless_another_is_chosen(district):
    org = make_org(district)
    here = _venue(district)
    hall = _venue(district, kind=VenueKind.SERVICE_CENTRE, name="党群服务中心")
    room_update(actor=None, room_id=org.room.pk, name=org.room.name, place="", hours="y", venue_id=here.pk)
    case = make_case(district, org)
    from gongzhi.mediation.services.cases import case_admit

    case_admit(actor=None, case_id=case.pk, mediator_ids=[m.pk for m in org.mediators], on=case.registered_on)
    day = case.registered_on + dt.timedelta(days=1)
    common: dict[str, Any] = {
        "actor": None,
        "case_id": case.pk,
        "held_on": day,
        "attendees": "双方",
        "record": "调解经过",
    }
    first = session_record(place="", **common)
    assert first.venue_id == here.pk and first.place == here.name
    second = session_record(place="", venue_id=hall.pk, **common)
    assert second.venue_id == hall.pk and second.place == "党群服务中心"
    far = _venue(district, "B1")
    with pytest.raises(ValidationFailed) as err:
        session_record(place="", venue_id=far.pk, **common)
    assert "venue_id" in err.value.fields
    assert MediationSession.objects.filter(case=case).count() == 2


def test_the_console_forms_offer_the_venues_of_the_place(district, client):
    org = make_org(district)
    here, there = _venue(district), _venue(district, "A2", name="别处调解室")
    client.force_login(district.user("community_worker"))
    page = client.get("/console/mediation/committees/").content.decode()
    assert "和事佬调解室（调解室）" in page and "别处调解室" not in page
    r = client.post(
        f"/console/mediation/committees/rooms/{org.room.pk}/edit/",
        {"name": org.room.name, "place": "", "hours": "y", "venue_id": str(here.pk)},
    )
    assert r.status_code in (200, 302)
    org.room.refresh_from_db()
    assert org.room.venue_id == here.pk and org.room.place == here.address
    assert there.pk != here.pk
