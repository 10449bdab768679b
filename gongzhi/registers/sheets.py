"""The two import formats of the street office's registers: 驻区单位 and 在职党员, as xlsx files built on
``core.sheets`` (the population import's machinery: upload checks, reading within bounds in a child process,
the row scan, the template, the error report). Nothing here touches the database."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.translation import gettext

from gongzhi.core import sheets
from gongzhi.core.errors import ValidationFailed
from gongzhi.core.sheets import in_chinese, max_file_bytes, max_rows
from gongzhi.party.enums import SKILLS, UnitKind
from gongzhi.registers.enums import ImportKind

DEFAULT_WIDTH = 14


@dataclass(frozen=True)
class Format:
    kind: str
    sheet: str
    headers: tuple[str, ...]
    required: tuple[str, ...]
    # The service's field name → the column it is read from (for the error report).
    fields: dict[str, str]
    notes: dict[str, str]
    example: dict[str, str]
    widths: dict[str, int]
    masks: dict[str, str]  # column → "phone"


SKILL_LABELS = {str(label): value for value, label in SKILLS}
UNIT_KIND_LABELS = {str(label): value for value, label in UnitKind.choices}

UNITS = Format(
    kind=ImportKind.UNITS,
    sheet="驻区单位",
    headers=("社区编码", "单位名称", "统一社会信用代码", "单位类型", "地址", "单位党组织", "联系网格编码"),
    required=("社区编码", "单位名称", "统一社会信用代码", "单位类型"),
    fields={
        "community_code": "社区编码",
        "name": "单位名称",
        "uscc": "统一社会信用代码",
        "kind": "单位类型",
        "address": "地址",
        "party_org_name": "单位党组织",
        "paired_grid_code": "联系网格编码",
    },
    notes={
        "社区编码": "单位报到的社区，12位统计用区划代码，只能填写您管辖范围内的社区",
        "单位名称": "不超过100个字",
        "统一社会信用代码": "18位统一社会信用代码；已登记的单位按此代码匹配，有变化的项会被更新",
        "单位类型": "填写：" + "、".join(UNIT_KIND_LABELS),
        "地址": "单位地址，不超过200个字",
        "单位党组织": "单位党组织名称，如 ××局机关党委",
        "联系网格编码": "单位帮包（联系）的网格，15位网格编码，须属于上面的社区；可不填",
    },
    example={
        "社区编码": "370115001001",
        "单位名称": "济阳区人民医院",
        "统一社会信用代码": "12370125MB2847165X",
        "单位类型": "医院",
        "地址": "济阳区纬二路1号",
        "单位党组织": "济阳区人民医院党委",
        "联系网格编码": "370115001001001",
    },
    widths={
        "社区编码": 16,
        "单位名称": 28,
        "统一社会信用代码": 22,
        "地址": 30,
        "单位党组织": 24,
        "联系网格编码": 18,
    },
    masks={},
)

MEMBERS = Format(
    kind=ImportKind.MEMBERS,
    sheet="在职党员",
    headers=(
        "网格编码",
        "姓名",
        "手机号码",
        "居住地址",
        "工作单位统一社会信用代码",
        "组织关系所在党组织",
        "特长",
        "服务分类",
        "可提供的服务",
        "服务时间",
    ),
    required=("网格编码", "姓名", "手机号码", "居住地址", "服务分类"),
    fields={
        "grid_code": "网格编码",
        "name": "姓名",
        "phone": "手机号码",
        "address": "居住地址",
        "unit_uscc": "工作单位统一社会信用代码",
        "workplace_org": "组织关系所在党组织",
        "skills": "特长",
        "classification": "服务分类",
        "services_offered": "可提供的服务",
        "available_times": "服务时间",
    },
    notes={
        "网格编码": "党员报到后分配的网格（居住地所在网格），15位，只能填写您管辖范围内的网格；社区由网格确定",
        "姓名": "不超过50个字",
        "手机号码": "11位手机号；已报到的党员按手机号和社区匹配，有变化的项会被更新",
        "居住地址": "不超过200个字",
        "工作单位统一社会信用代码": "已登记的驻区单位的代码；单位未登记时可不填，改填组织关系所在党组织",
        "组织关系所在党组织": "党员组织关系所在的党组织；填了工作单位时可不填",
        "特长": "可填多个，用顿号或逗号分隔：" + "、".join(SKILL_LABELS),
        "服务分类": "社区接收报到时的分类，填写一个：" + "、".join(SKILL_LABELS),
        "可提供的服务": "不超过500个字",
        "服务时间": "如 周末上午，不超过200个字",
    },
    example={
        "网格编码": "370115001001001",
        "姓名": "李四",
        "手机号码": "13912345678",
        "居住地址": "银山小区3号楼1单元101",
        "工作单位统一社会信用代码": "12370125MB2847165X",
        "组织关系所在党组织": "",
        "特长": "医疗健康、心理疏导",
        "服务分类": "医疗健康",
        "可提供的服务": "义诊、健康讲座",
        "服务时间": "周末上午",
    },
    widths={
        "网格编码": 18,
        "居住地址": 28,
        "工作单位统一社会信用代码": 24,
        "组织关系所在党组织": 24,
        "特长": 22,
        "可提供的服务": 26,
    },
    masks={"手机号码": "phone"},
)

FORMATS = {ImportKind.UNITS: UNITS, ImportKind.MEMBERS: MEMBERS}
SEPARATORS = re.compile(r"[、,，;；\s]+")
_MASKS = {"phone": sheets.keep_ends(3, 4)}


@dataclass
class Row:
    number: int  # as Excel shows it: the header is row 1
    values: dict[str, str]

    def get(self, header: str) -> str:
        return self.values.get(header, "")

    def raw(self, fmt: Format) -> list[str]:
        """The row as typed, phones masked (for the stored error report)."""
        return [
            sheets.mask_raw(h, self.get(h), {k: _MASKS[v] for k, v in fmt.masks.items()}) for h in fmt.headers
        ]


def split(text: str) -> list[str]:
    return [t for t in SEPARATORS.split(text or "") if t]


def _normal_header(value: object) -> str:
    return re.sub(r"[\s*＊]", "", sheets.cell_text(value))


@in_chinese
def read_rows(fmt: Format, file_name: str, content: bytes) -> list[Row]:
    """The data rows of an upload of ``fmt``: an xlsx file within the import bounds, else a Chinese refusal."""
    kind = sheets.check_upload(file_name, len(content), accepted=".xlsx 格式的Excel文件", save_as=".xlsx")
    if kind != "xlsx":
        raise ValidationFailed(
            gettext("请上传 .xlsx 格式的Excel文件（可先下载导入模板）"),
            fields={"file": gettext("文件格式不支持")},
        )

    def unreadable(_line: int | None) -> ValidationFailed:
        return ValidationFailed(
            gettext("文件不是有效的Excel（.xlsx）文件，可能已损坏或只是改了扩展名"),
            fields={"file": gettext("文件无法读取")},
        )

    records = sheets.read_upload(
        content,
        kind,
        sheet=fmt.sheet,
        ignore=(sheets.HELP_SHEET,),
        what=f"{fmt.sheet}登记表",
        unreadable=unreadable,
        label=f"{fmt.kind} register import",
    )
    columns = sheets.map_headers(
        next(records, ()),
        known=fmt.headers,
        required=fmt.required,
        normalise=_normal_header,
        template_hint="请使用导入模板",
        max_columns=60,
    )
    rows = [
        Row(number=number, values={h: sheets.cell_text(v) for h, v in cells.items()})
        for number, cells in sheets.scan_rows(records, columns)
    ]
    if not rows:
        raise ValidationFailed(
            gettext("文件中没有数据行（第1行是列名，数据从第2行开始）"), fields={"file": gettext("没有数据")}
        )
    return rows


@in_chinese
def template(fmt: Format) -> bytes:
    wb = sheets.template_workbook(
        sheet=fmt.sheet,
        headers=fmt.headers,
        widths=fmt.widths,
        default_width=DEFAULT_WIDTH,
        marked_required=fmt.required,
        example=[fmt.example[h] for h in fmt.headers],
        text_columns=fmt.headers,
        help_rows=[(h, "必填" if h in fmt.required else "选填", fmt.notes[h]) for h in fmt.headers],
        footer=(
            "1. 第2行是示例，导入前请删除。第1行列名不要修改。",
            f"2. 单个文件最多{max_rows()}行、{max_file_bytes() // 1024 // 1024}MB。",
            "3. 导入前会逐行校验，只要有一行有错就不会写入任何数据；可下载错误报告，按行号修改后重新导入。",
            "4. 同一文件重复导入不会产生重复数据，有变化的项会被更新。可先选择“仅校验”，确认无误后再正式导入。",
        ),
    )
    return sheets.save(wb)


@in_chinese
def error_report(fmt: Format, errors: Sequence[dict], rows: dict[str, list[str]]) -> bytes:
    return sheets.error_report_workbook(
        errors=errors, headers=fmt.headers, rows=rows, widths=fmt.widths, default_width=DEFAULT_WIDTH
    )
