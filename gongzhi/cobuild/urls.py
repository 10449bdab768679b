from gongzhi.cobuild.views import console

app_name = "cobuild"
urlpatterns = console.urlpatterns
