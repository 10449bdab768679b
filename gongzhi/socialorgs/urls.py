"""Console pages of the social organisations, mounted at console/socialorgs/ (namespace ``socialorgs``)."""

from django.urls import path

from gongzhi.socialorgs.views import contests, organizations, projects

app_name = "socialorgs"
urlpatterns = [
    path("", organizations.organization_list, name="list"),
    path("figures/", organizations.figures, name="figures"),
    path("workers/", organizations.worker_list, name="workers"),
    path("<int:organization_id>/", organizations.organization_detail, name="detail"),
    path("<int:organization_id>/profile/", organizations.organization_profile, name="profile"),
    path("<int:organization_id>/incubations/", organizations.incubation_enter, name="incubation_enter"),
    path("<int:organization_id>/plans/", organizations.plan_file, name="plan_file"),
    path("incubations/<int:incubation_id>/milestones/", organizations.milestone_add, name="milestone_add"),
    path("incubations/<int:incubation_id>/end/", organizations.incubation_end, name="incubation_end"),
    path("milestones/<int:milestone_id>/done/", organizations.milestone_done, name="milestone_done"),
    path("projects/", projects.project_list, name="projects"),
    path("projects/<int:project_id>/", projects.project_detail, name="project"),
    path("projects/<int:project_id>/review/", projects.project_review, name="project_review"),
    path("projects/<int:project_id>/decide/", projects.project_decide, name="project_decide"),
    path("projects/<int:project_id>/deliver/", projects.project_deliver, name="project_deliver"),
    path("projects/<int:project_id>/close/", projects.project_close, name="project_close"),
    path("contests/", contests.contest_list, name="contests"),
    path("contests/<int:contest_id>/", contests.contest_detail, name="contest"),
    path("contests/<int:contest_id>/judges/", contests.contest_judge_add, name="contest_judge"),
    path("contests/<int:contest_id>/entries/", contests.contest_entry_add, name="contest_entry"),
    path("contests/<int:contest_id>/start/", contests.contest_move, {"move": "start"}, name="contest_start"),
    path(
        "contests/<int:contest_id>/finish/", contests.contest_move, {"move": "finish"}, name="contest_finish"
    ),
    path("entries/<int:entry_id>/score/", contests.entry_score, name="entry_score"),
    path("entries/<int:entry_id>/brand/", contests.entry_brand, name="entry_brand"),
]
