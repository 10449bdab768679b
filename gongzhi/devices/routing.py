"""The shipped table from a device event kind to what it raises: a ticket in which (existing) category,
urgent or not, and the storm window in which the same kind from the same device is one ticket. The
district admin's edits (``EventRoute`` rows) take precedence; ``route_for`` reads both.

A category code that a district has removed or deactivated raises the ticket without a category (the
intake desk classifies it) rather than losing the event.
"""

from __future__ import annotations

from dataclasses import dataclass

from gongzhi.devices.enums import EventKind

# A maintenance ticket (a device offline, covered or damaged) names no category of the shipped tree:
# there is none for the community's own equipment; the title says 【设备维护】.
MAINTENANCE_KINDS = frozenset({EventKind.DEVICE_OFFLINE, EventKind.TAMPER})


@dataclass(frozen=True)
class Route:
    kind: str
    raise_ticket: bool
    category_code: str  # "" = no category
    urgent: bool
    storm_minutes: int


def _r(kind: str, category: str, *, urgent: bool = False, storm: int = 30, ticket: bool = True) -> Route:
    return Route(kind=kind, raise_ticket=ticket, category_code=category, urgent=urgent, storm_minutes=storm)


# kind → route. Category codes are those of gongzhi/tickets/taxonomy.py.
DEFAULT_ROUTES: dict[str, Route] = {
    EventKind.FIRE_LANE_BLOCKED: _r(EventKind.FIRE_LANE_BLOCKED, "304005", storm=60),  # 消防通道堵塞
    EventKind.SMOKE_ALARM: _r(EventKind.SMOKE_ALARM, "204015", urgent=True, storm=30),  # 火灾隐患
    EventKind.GAS_ALARM: _r(EventKind.GAS_ALARM, "204010", urgent=True, storm=30),  # 燃气泄漏
    EventKind.WATER_LEVEL: _r(EventKind.WATER_LEVEL, "204005", urgent=True, storm=120),  # 自来水管破裂
    EventKind.EBIKE_IN_LIFT: _r(EventKind.EBIKE_IN_LIFT, "304001", storm=60),  # 电动车违规充电
    EventKind.HIGH_ALTITUDE_THROW: _r(EventKind.HIGH_ALTITUDE_THROW, "304010", storm=60),  # 高空坠物隐患
    EventKind.GARBAGE_OVERFLOW: _r(EventKind.GARBAGE_OVERFLOW, "201001", storm=240),  # 暴露垃圾
    EventKind.DOOR_FORCED: _r(EventKind.DOOR_FORCED, "", ticket=False),
    EventKind.DOOR_HELD_OPEN: _r(EventKind.DOOR_HELD_OPEN, "", ticket=False),
    EventKind.INTRUSION: _r(EventKind.INTRUSION, "", ticket=False),
    EventKind.TAMPER: _r(EventKind.TAMPER, "", storm=24 * 60),
    EventKind.DEVICE_OFFLINE: _r(EventKind.DEVICE_OFFLINE, "", storm=24 * 60),
}
