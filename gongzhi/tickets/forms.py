"""Input of the ticket pages and the API that the console shares: a move's fields (``MoveIn``, the API's
schema, which the console's move forms are validated by) and their Chinese field messages."""

from __future__ import annotations

from ninja import Field, Schema
from pydantic import ValidationError

FIELD_MESSAGES = {
    "missing": "必填项",
    "int_parsing": "应为整数",
    "int_type": "应为整数",
    "float_parsing": "应为数字",
    "float_type": "应为数字",
    "string_type": "应为文本",
    "string_too_long": "过长",
    "bool_parsing": "应为是/否",
    "bool_type": "应为是/否",
    "list_type": "应为列表",
    "dict_type": "应为对象",
    "literal_error": "取值不在可选范围内",
}


class MoveIn(Schema):
    note: str = Field("", max_length=2000)
    reason: str = Field("", max_length=300)
    category_code: str = Field("", max_length=12)
    into_id: int | None = Field(None, description="merge：合并到的工单")
    level: str = Field("", description="dispatch：grid, community, subdistrict, district, department")
    department_id: int | None = None
    co_department_ids: list[int] = Field(default_factory=list, max_length=10)
    handler_id: int | None = None
    limit_amount: int | None = Field(None, ge=1, le=365)
    limit_unit: str = Field("", max_length=16)
    result: str = Field("", max_length=2000, description="handle：处置结果")
    passed: bool | None = Field(None, description="verify：核查是否通过")
    satisfaction: str = Field("", description="callback：satisfied, fairly, dissatisfied")
    amount: int | None = Field(None, description="extend（申请）：延长多少")
    unit: str = Field("", max_length=16, description="extend（申请）：working_days 等")
    decision: str = Field("", description="extend（审批）：approve 或 refuse")


def field_messages(exc: ValidationError) -> dict[str, str]:
    out: dict[str, str] = {}
    for err in exc.errors():
        name = ".".join(str(p) for p in err.get("loc", ())) or "body"
        out[name] = FIELD_MESSAGES.get(err.get("type", ""), "格式不正确")
    return out
