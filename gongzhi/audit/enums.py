from django.utils.translation import gettext_lazy as _

# Event type → what a person reads on the timeline. Apps add theirs here as they grow.
EVENT_LABELS = {
    "places.district_created": _("创建区县"),
    "places.subdistrict_created": _("创建街道"),
    "places.community_created": _("创建社区"),
    "places.grid_created": _("创建网格"),
    "places.grid_updated": _("修改网格"),
    "places.grids_imported": _("导入网格边界"),
    "places.estate_created": _("创建小区"),
    "places.building_created": _("创建楼栋"),
    "places.household_created": _("登记住户"),
    "places.households_bulk_created": _("批量登记住户"),
    "places.team_member_added": _("加入网格队伍"),
    "places.team_member_removed": _("移出网格队伍"),
    "places.department_created": _("创建部门"),
    "people.person_created": _("登记人员"),
    "people.person_updated": _("修改人员信息"),
    "people.persons_bulk_created": _("批量登记人员"),
    "people.person_revealed": _("查看完整个人信息"),
    "people.import_applied": _("导入人口数据"),
    "people.persons_exported": _("导出人员名单"),
    "accounts.user_created": _("创建账号"),
    "accounts.role_assigned": _("分配角色"),
    "accounts.role_revoked": _("撤销角色"),
    "accounts.logged_in": _("登录"),
    "accounts.resident_registered": _("居民注册"),
}
