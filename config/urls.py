from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from config.api import api

# The database being down answers 503 "try again" (JSON on API paths), not the 500 page.
handler500 = "gongzhi.core.unavailable.server_error"

admin.site.site_header = "共治 · 基础数据管理"
admin.site.site_title = "共治"
admin.site.index_title = "参考数据"

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="console:home", permanent=False)),
    path("api/v1/", api.urls),
    path("console/", include("gongzhi.console.urls")),
    path("console/places/", include("gongzhi.places.urls")),
    path("console/people/", include("gongzhi.people.urls")),
    path("console/party/", include("gongzhi.party.urls")),
    path("console/workdays/", include("gongzhi.workdays.urls")),
    path("console/tickets/", include("gongzhi.tickets.urls_figures")),
    path("console/tickets/", include("gongzhi.tickets.urls")),
    path("console/tickets/", include("gongzhi.tickets.urls_intake")),
    path("console/open311/", include("gongzhi.open311.console_urls")),
    path("open311/v2/", include("gongzhi.open311.urls")),
    path("console/cobuild/", include("gongzhi.cobuild.urls")),
    path("console/volunteers/", include("gongzhi.volunteers.urls")),
    path("h5/volunteers/", include("gongzhi.volunteers.h5_urls")),
    path("h5/cobuild/", include("gongzhi.cobuild.h5_urls")),
    path("h5/party/", include("gongzhi.party.h5_urls")),
    path("h5/", include("gongzhi.h5.urls")),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
]
if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
