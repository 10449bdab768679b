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
            ("035", "充电设施", "subdistrict", "", 5, WD, "充电桩 充电设施"),
            ("040", "供水水压", "department", "", 2, WD, "水压 停水 水小"),
            ("050", "健身器材", "community", "", 5, WD, "健身器材 健身"),
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
            ("020", "公交线路", "department", "", 10, WD, "公交 线路 站点"),
            ("025", "道路连通", "department", "", 10, WD, "断头路 打通 连通"),
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
            ("010", "毁绿种菜", "grid", "", 3, WD, "种菜 毁绿"),
            ("015", "公园管理", "department", "cgj", 5, WD, "公园"),
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
            ("010", "房屋渗漏维修", "department", "zjj", 10, WD, "渗漏 维修资金 房屋"),
            ("015", "老旧小区改造", "department", "zjj", 10, WD, "老旧小区 改造"),
            ("020", "加装电梯", "subdistrict", "", 10, WD, "加装电梯"),
            ("025", "群租与住改商", "subdistrict", "", 5, WD, "群租 住改商"),
            ("030", "宅基地", "department", "", 10, WD, "宅基地"),
            ("035", "规划变更", "department", "", 10, WD, "规划 变更"),
            ("040", "期房交付", "department", "zjj", 10, WD, "交房 期房 开发商"),
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
            ("020", "餐饮油烟", "department", "sthj", 5, WD, "油烟 饭店"),
            ("025", "异味污染", "department", "sthj", 5, WD, "异味 臭味 污染"),
            ("030", "动物及粪便", "grid", "", 3, WD, "流浪狗 粪便 动物"),
            ("035", "交通噪声", "department", "sthj", 10, WD, "高架 铁路 噪声"),
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
            ("010", "灯光亮化扰民", "subdistrict", "", 5, WD, "LED 霓虹灯 灯光"),
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
            ("020", "施工扬尘", "department", "zjj", 2, WD, "扬尘 工地"),
            ("025", "渣土车", "department", "cgj", 2, WD, "渣土车 遗撒"),
            ("030", "工地安全与停工", "department", "zjj", 5, WD, "工地 停工 烂尾"),
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
            ("020", "积水内涝", "department", "", 4, H, "积水 内涝"),
            ("025", "突发停电", "department", "", 4, H, "停电 断电"),
            ("030", "房屋倒塌", "department", "zjj", 2, H, "倒塌 坍塌"),
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
            ("020", "私装地锁", "subdistrict", "", 3, WD, "地锁"),
            ("025", "占道堆物", "subdistrict", "", 2, WD, "堆物 人行道"),
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
            ("030", "维修资金", "department", "zjj", 10, WD, "维修资金 专项维修"),
            ("035", "业主委员会", "subdistrict", "", 10, WD, "业委会 业主大会"),
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
            ("020", "空调外机", "grid", "", 5, WD, "空调外机 滴水"),
            ("025", "烟味油烟纠纷", "grid", "", 5, WD, "烟味 抽烟 油烟"),
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
            ("020", "入学入园", "department", "", 10, WD, "入学 幼儿园 学校"),
            ("025", "医疗卫生", "department", "", 10, WD, "医院 卫生服务中心"),
            ("030", "消费投诉", "department", "scjgj", 10, WD, "退费 消费 商家"),
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
            ("020", "电线裸露", "grid", "", 2, WD, "电线 裸露 私拉"),
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
            ("015", "养老机构", "department", "mzj", 10, WD, "养老院 养老机构"),
            ("020", "残疾人补贴", "department", "mzj", 10, WD, "残疾 补贴"),
        ],
    },
    {
        "code": "306",
        "name": "其他",
        "kind": "community",
        "close": "事项办结并告知居民",
        "children": [
            ("001", "其他事项", "community", "", 5, WD, ""),
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
