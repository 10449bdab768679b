"""Console pages of the three lists, mounted at console/cobuild/ (namespace ``cobuild``)."""

from django.urls import path

from gongzhi.cobuild.views import needs, plans, projects, resources

app_name = "cobuild"
urlpatterns = [
    path("needs/", needs.need_list, name="needs"),
    path("needs/<int:need_id>/", needs.need_detail, name="need_detail"),
    path("needs/<int:need_id>/withdraw/", needs.need_withdraw, name="need_withdraw"),
    path("needs/from-ticket/<int:ticket_id>/", needs.need_from_ticket, name="need_from_ticket"),
    path("resources/", resources.resource_list, name="resources"),
    path("projects/", projects.project_list, name="projects"),
    path("projects/new/", projects.project_create, name="project_create"),
    path("projects/<int:project_id>/", projects.project_detail, name="project_detail"),
    path("projects/<int:project_id>/claim/", projects.project_claim, name="project_claim"),
    path("projects/<int:project_id>/sign/", projects.project_sign, name="project_sign"),
    path("projects/<int:project_id>/agreement.pdf", projects.project_agreement, name="project_agreement"),
    path("projects/<int:project_id>/milestones/", projects.milestone_add, name="milestone_add"),
    path("milestones/<int:milestone_id>/done/", projects.milestone_done, name="milestone_done"),
    path("projects/<int:project_id>/deliveries/", projects.delivery, name="delivery"),
    path("projects/<int:project_id>/complete/", projects.project_complete, name="project_complete"),
    path("projects/<int:project_id>/cancel/", projects.project_cancel, name="project_cancel"),
    path("projects/<int:project_id>/activities/", projects.project_activity, name="project_activity"),
    path("plans/", plans.plan_list, name="plans"),
    path("plans/<int:plan_id>/", plans.plan_detail, name="plan_detail"),
    path("plan-rows/<int:row_id>/", plans.plan_row, name="plan_row"),
    path("plans/<int:plan_id>/apply/", plans.plan_apply, name="plan_apply"),
    path("plans/<int:plan_id>/discard/", plans.plan_discard, name="plan_discard"),
]
