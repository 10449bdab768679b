from gongzhi.workdays import views

app_name = "workdays"
urlpatterns = views.urlpatterns
