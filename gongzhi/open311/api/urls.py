"""The public GeoReport v2 interface (mounted at /open311/v2/)."""

from django.urls import URLPattern, re_path
from django.views.decorators.csrf import csrf_exempt

from gongzhi.open311.api import views
from gongzhi.open311.api.views import endpoint

app_name = "open311_api"

FMT = r"\.(?P<fmt>[A-Za-z0-9]{1,10})$"
urlpatterns: list[URLPattern] = [
    re_path(r"^discovery" + FMT, endpoint("discovery", {"GET": views.discovery}), name="discovery"),
    re_path(r"^services" + FMT, endpoint("services", {"GET": views.services}), name="services"),
    re_path(
        r"^services/(?P<service_code>[^/]{1,40}?)" + FMT,
        endpoint("service_definition", {"GET": views.service_definition}),
        name="service_definition",
    ),
    re_path(
        r"^requests" + FMT,
        endpoint("requests", {"GET": views.requests_list, "POST": views.request_create}),
        name="requests",
    ),
    re_path(
        r"^requests/(?P<service_request_id>[^/]{1,40}?)" + FMT,
        endpoint("request", {"GET": views.request_detail}),
        name="request",
    ),
    re_path(
        r"^tokens/(?P<token>[^/]{1,64}?)" + FMT, endpoint("token", {"GET": views.token_detail}), name="token"
    ),
    re_path(
        r"^servicerequestupdates" + FMT,
        endpoint("servicerequestupdates", {"GET": views.updates_list, "POST": views.update_create}),
        name="servicerequestupdates",
    ),
    re_path(r"^(?P<rest>.*)$", csrf_exempt(views.not_found), name="not_found"),
]
