from gongzhi.volunteers.views.console import app_name, urlpatterns

__all__ = ["app_name", "urlpatterns"]
