"""Records of every module the one-map draws, on the small district (gongzhi.testing): tickets (one of them
overdue), units paired with grids, venues, devices (online, offline, faulty), mediation warnings and care
memberships — in community A1 (grids g1, g2) and in the neighbour community B1 (g4), so that scope shows.

Written through the services where one exists; the two states the loop needs days or a platform to reach
(an overdue ticket, an open tamper incident) and the weekly screening's warnings are set on the rows.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone
from stdnum.cn import uscc as cn_uscc

from gongzhi.testing import SmallDistrict

# a point inside each grid of the small district (0.01° squares from these corners)
POINTS = {"g1": (117.105, 36.985), "g2": (117.115, 36.985), "g3": (117.135, 36.985), "g4": (117.155, 36.985)}


def _uscc(n: int) -> str:
    body = f"91370115MB{n:07d}"
    return body + cn_uscc.calc_check_digit(body)


def build_map_world(d: SmallDistrict) -> dict[str, Any]:
    from gongzhi.care.services.memberships import EntryInput, membership_enter
    from gongzhi.devices.enums import DeviceStatus, EventKind
    from gongzhi.devices.models import Incident
    from gongzhi.devices.services.registry import DeviceInput, device_register
    from gongzhi.mediation.enums import WarningKind, WarningStatus
    from gongzhi.mediation.models import DisputeWarning
    from gongzhi.party.services.registration import unit_register
    from gongzhi.tickets import services as tickets
    from gongzhi.tickets.enums import TicketStatus
    from gongzhi.tickets.models import Ticket
    from gongzhi.venues.services.venues import VenueInput, venue_register

    now = timezone.now()
    out: dict[str, Any] = {"tickets": {}}
    for key, n in (("g1", 3), ("g2", 2), ("g3", 1), ("g4", 2)):
        lng, lat = POINTS[key]
        out["tickets"][key] = [
            tickets.ticket_report(
                actor=None,
                data=tickets.TicketInput(
                    description=f"{key}路灯不亮{i}", lng=lng + i * 0.001, lat=lat, grid_code=d.grids[key].code
                ),
            )
            for i in range(n)
        ]
    # handling, deadline passed: overdue in g1 and in the neighbour's g4
    late = [out["tickets"]["g1"][0].pk, out["tickets"]["g4"][0].pk]
    Ticket.objects.filter(pk__in=late).update(
        status=TicketStatus.DISPATCHED, deadline=now - dt.timedelta(days=2)
    )
    # handling, deadline ahead: open, not overdue
    Ticket.objects.filter(pk=out["tickets"]["g1"][1].pk).update(
        status=TicketStatus.IN_PROGRESS, deadline=now + dt.timedelta(days=2)
    )

    a1, b1 = d.communities["A1"], d.communities["B1"]
    g1, g2, g4 = d.grids["g1"].code, d.grids["g2"].code, d.grids["g4"].code
    unit_register(
        actor=None, community_id=a1.pk, name="区人民医院", uscc=_uscc(1), kind="hospital", paired_grid_code=g1
    )
    unit_register(
        actor=None, community_id=a1.pk, name="区税务局", uscc=_uscc(2), kind="agency", paired_grid_code=g2
    )
    unit_register(actor=None, community_id=a1.pk, name="区第一中学", uscc=_uscc(3), kind="school")
    unit_register(
        actor=None,
        community_id=b1.pk,
        name="区供电公司",
        uscc=_uscc(4),
        kind="state_enterprise",
        paired_grid_code=g4,
    )

    admin = d.user("district_admin")
    for community, name, key in (
        (a1, "银山党群服务中心", "g1"),
        (a1, "银山网格工作站", "g2"),
        (b1, "安大党员驿站", "g4"),
    ):
        lng, lat = POINTS[key]
        venue_register(
            actor=admin,
            community_id=community.pk,
            data=VenueInput(
                kind="service_centre" if "中心" in name else "grid_station",
                name=name,
                address="路1号",
                lng=lng,
                lat=lat,
            ),
        )

    devices = {}
    for code, key, kind in (
        ("CAM-G1-1", "g1", "camera"),
        ("CAM-G1-2", "g1", "camera"),
        ("DOOR-G2-1", "g2", "access_control"),
        ("CAM-G4-1", "g4", "camera"),
    ):
        devices[code] = device_register(
            actor=None, data=DeviceInput(code=code, name=code, kind=kind, grid_code=d.grids[key].code)
        )
    from gongzhi.devices.models import Device

    Device.objects.filter(code__in=["CAM-G1-2", "CAM-G4-1"]).update(
        status=DeviceStatus.OFFLINE, offline_since=now
    )
    tamper = devices["DOOR-G2-1"]
    Incident.objects.create(
        device=tamper,
        kind=EventKind.TAMPER,
        first_at=now,
        last_at=now,
        district_code=tamper.district_code,
        subdistrict_code=tamper.subdistrict_code,
        community_code=tamper.community_code,
        grid_code=tamper.grid_code,
    )

    week = timezone.localdate() - dt.timedelta(days=timezone.localdate().weekday())
    for i, (key, status) in enumerate(
        (
            ("g1", WarningStatus.OPEN),
            ("g2", WarningStatus.TAKEN),
            ("g1", WarningStatus.CLOSED),
            ("g4", WarningStatus.OPEN),
        )
    ):
        w = DisputeWarning(
            kind=WarningKind.REPEAT,
            week_start=week,
            key=f"k{i}",
            subject=f"测试{key}1号楼",
            count=3,
            status=status,
        )
        w.set_place_codes(grid_code=d.grids[key].code)
        w.save()

    for key, people in (("g1", 2), ("g2", 1), ("g4", 2)):
        for person in d.persons[key][:people]:
            membership_enter(
                actor=None,
                data=EntryInput(
                    person_id=person.pk, group="elderly_alone", entered_on=timezone.localdate(), reason="独居"
                ),
            )
    # a second group for one person: counted once
    membership_enter(
        actor=None,
        data=EntryInput(
            person_id=d.persons["g1"][0].pk, group="disabled", entered_on=timezone.localdate(), reason="残疾"
        ),
    )
    return out
