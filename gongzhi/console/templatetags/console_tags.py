"""Navigation for the staff console.

Other apps add their pages under /console/<app>/ at their own pace, so a link whose URL name does not
(yet) exist is hidden rather than breaking every console page.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django import template
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from gongzhi.core.permissions import allowed
from gongzhi.core.scope import scope_of

register = template.Library()


@register.simple_tag
def nav_url(name: str, *args: Any, **kwargs: Any) -> str:
    """``{% nav_url 'places:map' as u %}{% if u %}<a href="{{ u }}">…{% endif %}``: "" when unknown."""
    try:
        return reverse(name, args=args or None, kwargs=kwargs or None)
    except NoReverseMatch:
        return ""


@dataclass
class NavLink:
    name: str
    label: Any
    url: str = ""
    active: bool = False


@dataclass
class NavSection:
    label: Any
    links: list[NavLink] = field(default_factory=list)
    active: bool = False


# (section label, [(url name, link label[, who sees it])], who sees it): who is a rule name or a check below
NAV: list[tuple[Any, list[tuple[Any, ...]], str]] = [
    (_("首页"), [("console:home", _("工作台"))], ""),
    (
        _("驾驶舱"),
        [("cockpit:index", _("驾驶舱")), ("cockpit:screen", _("大屏模式"))],
        "cockpit.view_cockpit",
    ),
    (
        _("区划网格"),
        [
            ("places:tree", _("区划树"), "placed"),
            ("places:map", _("网格地图"), "placed"),
            ("places:band_report", _("网格户数核查"), "placed"),
            ("places:grid_import", _("导入网格"), "grid_admin"),
        ],
        "",
    ),
    (_("一张图"), [("cockpit:map", _("一张图"))], "map_reader"),
    (
        _("实有人口"),
        [("people:search", _("人员查询")), ("people:import", _("人口导入"), "population_editor")],
        "population",
    ),
    (
        _("党建引领"),
        [
            ("party:org_tree", _("党组织与网格党支部")),
            ("party:member_list", _("社区党员")),
            ("party:units", _("驻区单位"), "community_up"),
            ("party:registrations", _("在职党员报到")),
            ("party:serving_items", _("服务岗位/项目")),
            ("party:serving_records", _("服务记录")),
            ("party:serving_letters", _("表现反馈函")),
            ("party:serving_ranking", _("单位考核"), "community_up"),
        ],
        "party",
    ),
    (
        _("网格事件"),
        [
            ("tickets:inbox", pgettext_lazy("tickets", "工作台")),  # the ticket inbox, not the home page
            ("tickets:new", _("新建工单"), "tickets.add_ticket"),
            ("tickets:supervision", _("督办")),
            ("tickets:categories", _("事件分类")),
        ],
        "tickets.list_ticket",
    ),
    (
        _("网格事件 · 采集与巡查"),
        [
            ("tickets:patrol", _("巡查"), "tickets.patrol"),
            ("tickets:hotline", _("12345热线导入"), "tickets.import_hotline"),
            ("tickets:patrol_coverage", _("每日巡查覆盖")),
            ("tickets:patrol_summary", _("每月巡查总结")),
            ("tickets:categories_edit", _("编辑事件分类"), "tickets.change_category"),
            ("tickets:policy", _("工单办理设置"), "tickets.change_category"),
        ],
        "tickets.add_ticket",
    ),
    (
        _("智能分拨"),
        [
            ("routing:overview", _("准确率与待复核")),
            ("routing:mapping", _("分拨对照表")),
            ("routing:keywords", _("候选关键词"), "routing.manage_keyword"),
        ],
        "routing.view_suggestion",
    ),
    (
        _("志愿服务"),
        [
            ("volunteers:teams", _("志愿服务队")),
            ("volunteers:activities", _("活动与签到")),
            ("volunteers:hours", _("服务时长确认")),
            ("volunteers:certificates", _("证明登记簿")),
        ],
        "party",
    ),
    (
        _("三张清单"),
        [
            ("cobuild:needs", _("需求清单")),
            ("cobuild:resources", _("资源清单")),
            ("cobuild:projects", _("项目清单")),
            ("cobuild:plans", _("碰头配对"), "community_up"),
        ],
        "party",
    ),
    (
        _("重点人群关爱"),
        [
            ("care:roster", _("重点人群")),
            ("care:overdue", _("应访未访")),
            ("care:visits", _("走访台账")),
            ("care:care_visits", _("慰问")),
            ("care:sensitive", _("需知悉人群"), "care_granted"),
            ("care:grants", _("需知悉授权"), "care.grant_sensitive"),
        ],
        "population",
    ),
    (
        _("人民调解"),
        [
            ("mediation:cases", _("纠纷案件")),
            ("mediation:committees", _("调委会与四簿")),
            ("mediation:screenings", _("排查与会商")),
            ("mediation:warnings", _("矛盾纠纷预警")),
            ("mediation:figures", _("调解统计")),
        ],
        "mediation.view_mediation",
    ),
    (
        _("服务阵地"),
        [("venues:list", _("阵地登记与预约")), ("venues:map", _("15分钟服务圈"))],
        "party",
    ),
    (
        _("网格学院"),
        [
            ("training:plans", _("培训计划")),
            ("training:trainees", _("学员与持证")),
            ("training:figures", _("培训数字")),
        ],
        "party",
    ),
    (
        _("积分制管理"),
        [
            ("points:claims", _("积分申报与评议")),
            ("points:rules", _("积分规则")),
            ("points:accounts", _("积分账户与排名")),
            ("points:goods", _("积分超市商品")),
            ("points:counter", _("柜台兑换")),
            ("points:redemptions", _("兑换登记簿")),
        ],
        "party",  # the population roles of a place read its points; the services decide who may write
    ),
    (
        _("智慧社区设备"),
        [
            ("devices:registry", _("设备台账")),
            ("devices:offline", _("离线设备")),
            ("devices:events", _("设备事件")),
            ("devices:routes", _("事件与工单分类")),
            ("devices:platforms", _("监控平台与密钥"), "devices.manage_platform"),
        ],
        "devices.list_device",
    ),
    (
        _("社会组织"),
        [
            ("socialorgs:list", _("组织登记与孵化")),
            ("socialorgs:projects", _("公益创投")),
            ("socialorgs:contests", _("项目大赛")),
            ("socialorgs:workers", _("持证社工与和谐使者")),
            ("socialorgs:figures", _("社会组织数字")),
        ],
        "socialorgs.view_socialorgs",
    ),
    (
        _("文明楼道"),
        [
            ("stairwells:list", _("楼道登记与检查")),
            ("stairwells:register", _("楼道台账")),
            ("stairwells:figures", _("文明楼道数字")),
        ],
        "party",  # the staff of a place (grid workers too) keep its stairwells
    ),
    (
        _("联合行动与巡查"),
        [
            ("campaigns:list", _("行动与巡查")),
            ("campaigns:missed", _("漏巡提醒")),
            ("campaigns:types", _("问题类型")),
            ("campaigns_h5:mine", _("手机记录与巡查")),
        ],
        "campaigns.view_campaign",
    ),
    (_("安置房分配"), [("resettlement:projects", _("安置项目"))], "resettlement.view_project"),
    (
        _("协商议事"),
        [
            ("councils:list", _("议事会与议题")),
            ("councils:resolutions", _("决议与落实")),
            ("councils:proposals", _("党群提案")),
            ("councils:appointments", _("书记有约")),
        ],
        "councils.view_council",
    ),
    (
        _("红色物业"),
        [
            ("property:estates", _("小区红色物业")),
            ("property:committees", _("业委会与同心桥")),
            ("property:companies", _("物业企业名录")),
            ("property:organizations", _("行业党委与党建联盟")),
            ("property:assessment", _("季度考核")),
        ],
        "party",  # the staff roles of a place; the services decide who may write
    ),
    (_("台账"), [("registers:index", _("台账导入导出"))], "registers.export_register"),
    (
        _("考核"),
        [
            ("assessment:sets", _("考核方案与结果"), "assessment.view_assessment"),
            ("assessment:mine", _("我的考核"), "assessment.view_own_sheet"),
        ],
        "assessment.open_assessment",
    ),
    (_("工作日历"), [("workdays:years", _("节假日与时限"))], "calendar_admin"),
    (_("审计日志"), [("console:audit", _("操作记录"))], "audit"),
    (
        _("系统管理"),
        [("admin:index", _("基础数据管理"), "admin"), ("open311:keys", _("Open311接入"), "open311_admin")],
        "",
    ),
]


def _allowed(who: str, user: Any) -> bool:
    if who == "audit":
        return allowed(user, "audit.view_auditevent")
    if who == "admin":
        return bool(user.is_staff or user.is_superuser)
    if who == "party":
        # the party pages read through the population roles' places (grid workers see their grid)
        from gongzhi.core.roles import POPULATION_ROLES

        scope = scope_of(user)
        return scope.superuser or bool(scope.roles & POPULATION_ROLES)
    if who == "population":  # the care pages: the population roles of a place
        from gongzhi.core.roles import POPULATION_ROLES

        scope = scope_of(user)
        return scope.superuser or bool(scope.roles & POPULATION_ROLES)
    if who == "placed":  # the pages of the administrative tree: a role placed in it
        scope = scope_of(user)
        return scope.superuser or bool(scope.places)
    if who == "community_up":
        # units, their yearly assessment and the matching plan are kept per community and above: a grid's
        # staff would only ever find them empty
        from gongzhi.core.roles import GRID_STAFF, POPULATION_ROLES

        scope = scope_of(user)
        return scope.superuser or bool(scope.roles & (POPULATION_ROLES - GRID_STAFF))
    if who == "care_granted":
        from gongzhi.care.selectors import has_grant_for_nav

        return has_grant_for_nav(user)
    if "." in who:  # a rule: "<app>.<verb>_<model>"
        return allowed(user, who)
    if who == "map_reader":  # the one-map: the readers of a place's tickets, placed somewhere
        from gongzhi.cockpit.selectors.map_place import map_reader

        return map_reader(user)
    if who == "open311_admin":
        return allowed(user, "open311.manage_apikey")
    if who == "calendar_admin":
        return allowed(user, "workdays.change_holidayyear")
    if who == "grid_admin":
        return allowed(user, "places.import_grid")
    if who == "population_editor":
        return allowed(user, "people.add_household")
    return True


@register.inclusion_tag("console/partials/_nav.html", takes_context=True)
def console_nav(context: template.Context) -> dict[str, Any]:
    request = context.get("request")
    user = getattr(request, "user", None)
    match = getattr(request, "resolver_match", None)
    current = match.view_name if match else ""
    current_ns = match.namespace if match else ""
    sections: list[NavSection] = []
    if user is None or not user.is_authenticated:
        return {"sections": sections}
    for label, links, who in NAV:
        if not _allowed(who, user):
            continue
        section = NavSection(label=label)
        for name, link_label, *link_who in links:
            if link_who and not _allowed(link_who[0], user):
                continue
            url = nav_url(name)
            if url:
                section.links.append(NavLink(name=name, label=link_label, url=url, active=name == current))
        if not section.links:
            continue
        section.active = any(link.active for link in section.links)
        sections.append(section)
    if current_ns and current_ns != "console" and not any(s.active for s in sections):
        # A page without a link of its own (a ticket, a record) opens the first section of its app.
        for section in sections:
            if section.links[0].name.split(":")[0] == current_ns:
                section.active = True
                break
    return {"sections": sections}
