from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from config.api import api
from gongzhi.console import views as console_views

# The database being down answers 503 "try again" (JSON on API paths), not the 500 page.
handler500 = "gongzhi.core.unavailable.server_error"

admin.site.site_header = "共治 · 基础数据管理"
admin.site.site_title = "共治"
admin.site.index_title = "参考数据"

# Every app's pages are mounted the same way: its console pages (urls.py, namespace = the app) at
# /console/<app>/, its resident pages (h5_urls.py, namespace <app>_h5) at /h5/<app>/. A new app adds
# its name here (docs/architecture.md, "Adding an app").
CONSOLE_APPS = [
    "jobs",
    "places",
    "people",
    "workdays",
    "routing",
    "tickets",
    "open311",
    "party",
    "venues",
    "volunteers",
    "cobuild",
    "care",
    "mediation",
    "training",
    "points",
    "devices",
    "socialorgs",
    "stairwells",
    "campaigns",
    "resettlement",
    "councils",
    "property",
    "registers",
    "cockpit",
    "assessment",
]
H5_APPS = [
    "tickets",
    "party",
    "venues",
    "volunteers",
    "cobuild",
    "mediation",
    "training",
    "points",
    "stairwells",
    "campaigns",
    "councils",
    "property",
]

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="console:home", permanent=False)),
    path("api/v1/", api.urls),
    path("console/", include("gongzhi.console.urls")),
    # The public overview page (no login) beside /api/v1/overview: aggregates only, by an allow-list.
    path("overview/", console_views.overview_page, name="public_overview"),
    *[path(f"console/{app}/", include(f"gongzhi.{app}.urls")) for app in CONSOLE_APPS],
    *[path(f"h5/{app}/", include(f"gongzhi.{app}.h5_urls")) for app in H5_APPS],
    path("h5/", include("gongzhi.h5.urls")),
    # Open311 GeoReport v2: the public interface of other systems (the open311 app's api layer).
    path("open311/v2/", include("gongzhi.open311.api.urls")),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
]
if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
