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

from gongzhi.core.access import can_read_audit
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


# (section label, [(url name, link label)], who sees it)
NAV: list[tuple[Any, list[tuple[Any, ...]], str]] = [
    (_("首页"), [("console:home", _("工作台"))], ""),
    (
        _("区划网格"),
        [
            ("places:tree", _("区划树")),
            ("places:map", _("网格地图")),
            ("places:band_report", _("网格户数核查")),
            ("places:grid_import", _("导入网格"), "grid_admin"),
        ],
        "",
    ),
    (
        _("实有人口"),
        [("people:search", _("人员查询")), ("people:import", _("人口导入"), "population_editor")],
        "",
    ),
    (
        _("党建引领"),
        [
            ("party:org_tree", _("党组织与网格党支部")),
            ("party:member_list", _("社区党员")),
            ("party:units", _("驻区单位")),
            ("party:registrations", _("在职党员报到")),
            ("party:serving_items", _("服务岗位/项目")),
            ("party:serving_records", _("服务记录")),
            ("party:serving_letters", _("表现反馈函")),
            ("party:serving_ranking", _("单位考核")),
        ],
        "party",
    ),
    (
        _("网格事件"),
        [
            ("tickets:inbox", _("工作台")),
            ("tickets:new", _("新建工单"), "ticket_reporter"),
            ("tickets:supervision", _("督办")),
            ("tickets:categories", _("事件分类")),
        ],
        "tickets",
    ),
    (
        _("网格事件 · 采集与巡查"),
        [
            ("tickets_intake:patrol", _("巡查"), "patrol_worker"),
            ("tickets_intake:hotline", _("12345热线导入"), "hotline_importer"),
            ("tickets_intake:appointment", _("书记有约登记"), "community_staff"),
            ("tickets_intake:patrol_coverage", _("每日巡查覆盖")),
            ("tickets_intake:patrol_summary", _("每月巡查总结")),
            ("tickets_intake:categories_edit", _("编辑事件分类"), "category_admin"),
        ],
        "ticket_staff",
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
            ("cobuild:plans", _("碰头配对")),
        ],
        "party",
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
        return can_read_audit(user)
    if who == "admin":
        return bool(user.is_staff or user.is_superuser)
    if who == "party":
        # the party pages read through the population roles' places (grid workers see their grid)
        from gongzhi.core.roles import POPULATION_ROLES

        scope = scope_of(user)
        return scope.superuser or bool(scope.roles & POPULATION_ROLES)
    if who in ("tickets", "ticket_reporter"):
        # Department handlers work tickets too: they hold no place role, only their department.
        from gongzhi.tickets.permissions import PLACE_READERS, PLACE_STAFF

        scope = scope_of(user)
        if who == "ticket_reporter":
            return scope.superuser or bool(scope.roles & PLACE_STAFF)
        return scope.superuser or bool(scope.roles & PLACE_READERS) or bool(scope.department_ids)
    if who == "open311_admin":
        from gongzhi.open311.keys import can_manage_keys

        return can_manage_keys(user)
    if who == "calendar_admin":
        return allowed(user, "workdays.change_holidayyear")
    if who == "grid_admin":
        return allowed(user, "places.import_grid")
    if who in _INTAKE_CHECKS:
        return _INTAKE_CHECKS[who](user)
    if who == "population_editor":
        return allowed(user, "people.add_household")
    return True


def _ticket_staff(user: Any) -> bool:
    from gongzhi.tickets.permissions import PLACE_STAFF

    scope = scope_of(user)
    return scope.superuser or bool(scope.roles & PLACE_STAFF)


def _intake(name: str) -> Any:
    def check(user: Any) -> bool:
        from gongzhi.tickets import intake_access

        return bool(getattr(intake_access, name)(user))

    return check


_INTAKE_CHECKS = {
    "ticket_staff": _ticket_staff,
    "patrol_worker": _intake("can_patrol"),
    "hotline_importer": _intake("can_import_hotline"),
    "community_staff": _intake("can_take_appointment"),
    "category_admin": _intake("can_edit_categories"),
}


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
        section.active = any(link.active for link in section.links) or (
            bool(current_ns) and section.links[0].name.split(":")[0] == current_ns and current_ns != "console"
        )
        sections.append(section)
    return {"sections": sections}
