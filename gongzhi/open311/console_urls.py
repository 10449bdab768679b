from gongzhi.open311 import console

app_name = "open311"
urlpatterns = console.urlpatterns
