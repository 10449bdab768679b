"""The allowed moves of a device: data only, checked by ``gongzhi.core.workflow.check_move``. Online and
offline follow what is heard (events, heartbeats, the silence sweep); a retired device stays retired."""

from __future__ import annotations

from gongzhi.core.workflow import Workflow
from gongzhi.devices.enums import DeviceStatus

DEVICE = Workflow.from_pairs(
    subject="设备",
    states=DeviceStatus,
    allowed={
        DeviceStatus.ONLINE: (DeviceStatus.OFFLINE, DeviceStatus.RETIRED),
        DeviceStatus.OFFLINE: (DeviceStatus.ONLINE, DeviceStatus.RETIRED),
    },
)
