"""Console pages of 红色物业, mounted at console/property/ (namespace ``property``)."""

from django.urls import path

from gongzhi.property.views import assessment, estates, matters, register

app_name = "property"
urlpatterns = [
    path("", estates.estate_list, name="estates"),
    path("estates/<int:estate_id>/", estates.estate_detail, name="estate"),
    path("estates/<int:estate_id>/service/", estates.service_set, name="service_set"),
    path("estates/<int:estate_id>/committee/", estates.committee_elect, name="committee_elect"),
    path(
        "estates/<int:estate_id>/committee/<int:committee_id>/file/",
        estates.committee_file,
        name="committee_file",
    ),
    path(
        "estates/<int:estate_id>/committee/<int:committee_id>/end/",
        estates.committee_end,
        name="committee_end",
    ),
    path("estates/<int:estate_id>/branch/", estates.branch_found, name="branch_found"),
    path(
        "estates/<int:estate_id>/branch/<int:branch_id>/representatives/",
        estates.representative_add,
        name="representative_add",
    ),
    path(
        "estates/<int:estate_id>/representatives/<int:representative_id>/remove/",
        estates.representative_remove,
        name="representative_remove",
    ),
    path("estates/<int:estate_id>/captains/", estates.captain_assign, name="captain_assign"),
    path("estates/<int:estate_id>/captains/<int:post_id>/end/", estates.captain_end, name="captain_end"),
    path("estates/<int:estate_id>/matters/", estates.matter_propose, name="matter_propose"),
    path("committees/", estates.committee_list, name="committees"),
    path("companies/", register.company_list, name="companies"),
    path("companies/<int:company_id>/", register.company_detail, name="company"),
    path("companies/<int:company_id>/deactivate/", register.company_deactivate, name="company_deactivate"),
    path("organizations/", register.organization_list, name="organizations"),
    path("matters/<int:matter_id>/", matters.matter_detail, name="matter"),
    path("matters/<int:matter_id>/accept/", matters.matter_accept, name="matter_accept"),
    path("matters/<int:matter_id>/decline/", matters.matter_decline, name="matter_decline"),
    path("matters/<int:matter_id>/party-day/", matters.matter_party_day, name="matter_party_day"),
    path("matters/<int:matter_id>/consult/", matters.matter_consult, name="matter_consult"),
    path("matters/<int:matter_id>/meeting/", matters.matter_meeting, name="matter_meeting"),
    path("matters/<int:matter_id>/decide/", matters.matter_decide, name="matter_decide"),
    path("matters/<int:matter_id>/minutes/", matters.matter_minutes, name="matter_minutes"),
    path("matters/<int:matter_id>/notice/", matters.matter_notice, name="matter_notice"),
    path("matters/<int:matter_id>/implement/", matters.matter_implement, name="matter_implement"),
    path("matters/<int:matter_id>/complete/", matters.matter_complete, name="matter_complete"),
    path("matters/<int:matter_id>/publish/", matters.matter_publish, name="matter_publish"),
    path("assessment/", assessment.assessment_page, name="assessment"),
    path("assessment/run/", assessment.assessment_run, name="assessment_run"),
    path("assessment/weights/", assessment.weights_set, name="weights_set"),
    path("assessment/export.xlsx", assessment.assessment_export, name="assessment_export"),
]
