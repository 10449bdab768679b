"""The default category tree shipped with Gongzhi.

Urban-management (数字城管) component classes 01 公用设施 … 05 房屋土地 and event classes 01 市容环境 …
05 街面秩序, plus the community classes grid work handles every day. Codes: one digit for the kind
(1 component, 2 event, 3 community), two for the major class, three for the small class
(101018 = 部件 · 公用设施 · 路灯). Department codes refer to each district's own departments
(the demo district's: cgj 城管, zjj 住建, gaj 公安, scjgj 市场监管, sthj 生态环境, mzj 民政).

Each small class: (code suffix, name, default level, department code, limit amount, limit unit, keywords).
"""

from __future__ import annotations

from typing import Any

WD, WH, ND, H = "working_days", "working_hours", "natural_days", "hours"

TAXONOMY: list[dict[str, Any]] = [
    {
        "code": "101",
        "name": "公用设施",
        "kind": "component",
        "close": "设施恢复正常使用，现场照片为证",
        "children": [
            ("001", "上水井盖", "department", "cgj", 2, WD, "井盖 缺失 破损"),
            ("002", "污水井盖", "department", "cgj", 2, WD, "井盖 污水"),
            ("010", "消防设施", "department", "gaj", 1, WD, "消防栓 灭火器"),
            ("018", "路灯", "department", "cgj", 3, WD, "路灯 不亮 灯杆"),
            ("020", "公共厕所", "department", "cgj", 3, WD, "厕所 公厕"),
            ("030", "电力设施", "subdistrict", "", 3, WD, "电线 电箱"),
        ],
    },
    {
        "code": "102",
        "name": "道路交通",
        "kind": "component",
        "close": "路面或设施修复，通行恢复",
        "children": [
            ("001", "道路破损", "department", "zjj", 5, WD, "坑洼 路面 塌陷"),
            ("005", "交通标志", "department", "gaj", 5, WD, "标志 标线"),
            ("010", "护栏隔离墩", "department", "cgj", 5, WD, "护栏"),
            ("015", "停车设施", "community", "", 5, WD, "车位 停车"),
        ],
    },
    {
        "code": "103",
        "name": "市容环境",
        "kind": "component",
        "close": "设施完好，环境整洁",
        "children": [
            ("001", "垃圾箱", "grid", "", 2, WD, "垃圾桶 垃圾箱"),
            ("005", "公共座椅", "community", "", 5, WD, "座椅"),
            ("010", "广告牌匾", "department", "cgj", 5, WD, "牌匾 招牌"),
        ],
    },
    {
        "code": "104",
        "name": "园林绿化",
        "kind": "component",
        "close": "绿化恢复或隐患消除",
        "children": [
            ("001", "行道树", "department", "cgj", 5, WD, "树木 倒伏 枯枝"),
            ("005", "绿地", "community", "", 5, WD, "绿地 草坪 毁绿"),
        ],
    },
    {
        "code": "105",
        "name": "房屋土地",
        "kind": "component",
        "close": "隐患排除，房屋安全",
        "children": [
            ("001", "危房隐患", "department", "zjj", 2, WD, "危房 裂缝"),
            ("005", "外墙脱落", "department", "zjj", 2, WD, "外墙 脱落"),
        ],
    },
    {
        "code": "201",
        "name": "市容环境",
        "kind": "event",
        "close": "现场清理完毕，恢复整洁",
        "children": [
            ("001", "暴露垃圾", "grid", "", 1, WD, "垃圾 堆放"),
            ("002", "积存垃圾渣土", "community", "", 2, WD, "渣土 建筑垃圾"),
            ("005", "道路不洁", "grid", "", 1, WD, "脏乱 油污"),
            ("010", "乱涂乱画", "community", "", 3, WD, "涂鸦 小广告"),
            ("015", "焚烧垃圾树叶", "department", "sthj", 4, WH, "焚烧 烟雾"),
        ],
    },
    {
        "code": "202",
        "name": "宣传广告",
        "kind": "event",
        "close": "违规广告清除",
        "children": [
            ("001", "非法小广告", "grid", "", 2, WD, "小广告 张贴"),
            ("005", "违规户外广告", "department", "cgj", 5, WD, "户外广告 横幅"),
        ],
    },
    {
        "code": "203",
        "name": "施工管理",
        "kind": "event",
        "close": "施工规范或停止，周边恢复",
        "children": [
            ("001", "施工扰民", "department", "cgj", 1, WD, "噪音 夜间施工 扰民"),
            ("005", "施工占道", "department", "cgj", 2, WD, "占道 围挡"),
            ("010", "违法建设", "department", "cgj", 10, WD, "违建 私搭乱建"),
        ],
    },
    {
        "code": "204",
        "name": "突发事件",
        "kind": "event",
        "close": "险情排除",
        "children": [
            ("001", "路面塌陷", "department", "zjj", 4, H, "塌陷"),
            ("005", "自来水管破裂", "department", "zjj", 4, H, "漏水 爆管 停水"),
            ("010", "燃气泄漏", "department", "zjj", 2, H, "燃气 煤气 泄漏"),
            ("015", "火灾隐患", "department", "gaj", 4, H, "火灾 电动车 飞线充电"),
        ],
    },
    {
        "code": "205",
        "name": "街面秩序",
        "kind": "event",
        "close": "秩序恢复",
        "children": [
            ("001", "占道经营", "department", "cgj", 1, WD, "摆摊 占道"),
            ("005", "店外经营", "community", "", 2, WD, "出店经营"),
            ("010", "乱停乱放", "community", "", 1, WD, "乱停 共享单车"),
            ("015", "噪音扰民", "department", "sthj", 2, WD, "噪音 广场舞 扰民"),
        ],
    },
    {
        "code": "301",
        "name": "物业管理",
        "kind": "community",
        "close": "物业处置完毕，居民认可",
        "children": [
            ("001", "电梯故障", "community", "", 1, WD, "电梯 困人"),
            ("005", "楼道杂物", "grid", "", 2, WD, "楼道 杂物 堆放"),
            ("010", "供暖问题", "department", "zjj", 2, WD, "暖气 不热 供暖"),
            ("015", "漏水渗水", "community", "", 3, WD, "漏水 渗水 屋顶"),
            ("020", "物业服务", "community", "", 5, WD, "物业 服务 收费"),
        ],
    },
    {
        "code": "302",
        "name": "邻里纠纷",
        "kind": "community",
        "close": "双方达成一致或转入调解",
        "children": [
            ("001", "噪音纠纷", "grid", "", 3, WD, "噪音 楼上 装修"),
            ("005", "漏水纠纷", "grid", "", 5, WD, "漏水 楼上"),
            ("010", "宠物扰民", "grid", "", 3, WD, "狗 宠物"),
            ("015", "占用公共空间", "community", "", 5, WD, "占用 公共"),
        ],
    },
    {
        "code": "303",
        "name": "民生服务",
        "kind": "community",
        "close": "事项办结并告知居民",
        "children": [
            ("001", "证明代办", "community", "", 3, WD, "证明 代办"),
            ("005", "就业帮扶", "community", "", 10, WD, "就业 求职"),
            ("010", "社保医保咨询", "community", "", 3, WD, "社保 医保"),
            ("015", "困难救助", "department", "mzj", 10, WD, "低保 救助 困难"),
        ],
    },
    {
        "code": "304",
        "name": "安全隐患",
        "kind": "community",
        "close": "隐患消除",
        "children": [
            ("001", "电动车违规充电", "grid", "", 1, WD, "电动车 飞线 充电"),
            ("005", "消防通道堵塞", "community", "", 1, WD, "消防通道 堵塞"),
            ("010", "高空坠物隐患", "community", "", 2, WD, "高空 坠物 花盆"),
            ("015", "食品安全", "department", "scjgj", 3, WD, "食品 过期 无证"),
        ],
    },
    {
        "code": "305",
        "name": "养老助残",
        "kind": "community",
        "close": "服务落实，对象认可",
        "children": [
            ("001", "独居老人关爱", "grid", "", 2, WD, "独居 老人 探望"),
            ("005", "助餐助浴", "community", "", 5, WD, "助餐 助浴"),
            ("010", "无障碍设施", "department", "mzj", 10, WD, "无障碍 坡道"),
        ],
    },
]


def default_categories() -> list[dict[str, Any]]:
    """Flat rows, parents before children, for the data migration and the tests."""
    rows: list[dict[str, Any]] = []
    order = 0
    for major in TAXONOMY:
        order += 1
        rows.append(
            {
                "code": major["code"],
                "name": major["name"],
                "kind": major["kind"],
                "parent": None,
                "default_level": "grid",
                "department_code": "",
                "limit_amount": 3,
                "limit_unit": WD,
                "close_conditions": major["close"],
                "keywords": "",
                "order": order,
            }
        )
        for suffix, name, level, dept, amount, unit, keywords in major["children"]:
            order += 1
            rows.append(
                {
                    "code": major["code"] + suffix,
                    "name": name,
                    "kind": major["kind"],
                    "parent": major["code"],
                    "default_level": level,
                    "department_code": dept,
                    "limit_amount": amount,
                    "limit_unit": unit,
                    "close_conditions": major["close"],
                    "keywords": keywords,
                    "order": order,
                }
            )
    return rows


def ensure_default_categories() -> int:
    """Creates the default categories that are missing (a database flushed by a test, a new install that
    skipped the data migration); returns how many were created. Existing categories are left as edited."""
    from gongzhi.tickets.models import Category

    existing = {c.code: c for c in Category.objects.all()}
    created = 0
    for row in default_categories():
        parent_code = row.pop("parent")
        if row["code"] in existing:
            continue
        obj = Category.objects.create(**row, parent=existing.get(parent_code) if parent_code else None)
        existing[obj.code] = obj
        created += 1
    return created
