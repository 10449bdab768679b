"""The party app's workflows: the allowed moves of a member's registration (报到), a service item, a claim
(认领 · 承诺), a service record (践诺) and a membership transfer (组织关系转接). ``gongzhi.core.workflow.check_move`` enforces them."""

from gongzhi.core.workflow import Workflow
from gongzhi.party.enums import (
    ClaimStatus,
    RecordStatus,
    RegistrationStatus,
    ServiceItemStatus,
    TransferStatus,
)

REGISTRATION = Workflow(
    subject="报到申请",
    states=RegistrationStatus,
    moves={
        "accept": {RegistrationStatus.SUBMITTED: RegistrationStatus.ACCEPTED},
        "return": {RegistrationStatus.SUBMITTED: RegistrationStatus.RETURNED},
    },
    verbs={"accept": "接收", "return": "退回"},
)

SERVICE_ITEM = Workflow(
    subject="服务岗位/项目",
    states=ServiceItemStatus,
    moves={"close": {ServiceItemStatus.OPEN: ServiceItemStatus.CLOSED}},
    verbs={"close": "关闭"},
)

CLAIM = Workflow(
    subject="认领",
    states=ClaimStatus,
    moves={
        "withdraw": {ClaimStatus.ACTIVE: ClaimStatus.WITHDRAWN},
        "complete": {ClaimStatus.ACTIVE: ClaimStatus.COMPLETED},
    },
    verbs={"withdraw": "撤回", "complete": "确认完成"},
)

SERVICE_RECORD = Workflow(
    subject="服务记录",
    states=RecordStatus,
    moves={
        "confirm": {RecordStatus.PENDING: RecordStatus.CONFIRMED},
        "reject": {RecordStatus.PENDING: RecordStatus.REJECTED},
    },
    verbs={"confirm": "确认", "reject": "退回"},
)

TRANSFER = Workflow(
    subject="组织关系转接",
    states=TransferStatus,
    moves={
        "accept": {TransferStatus.PENDING: TransferStatus.ACCEPTED},
        "return": {TransferStatus.PENDING: TransferStatus.RETURNED},
    },
    verbs={"accept": "接收", "return": "退回"},
)
