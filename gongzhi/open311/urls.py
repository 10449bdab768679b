from gongzhi.open311 import views

app_name = "open311_api"
urlpatterns = views.urlpatterns
