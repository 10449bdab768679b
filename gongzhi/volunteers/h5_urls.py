from gongzhi.volunteers.views.h5 import app_name, urlpatterns

__all__ = ["app_name", "urlpatterns"]
