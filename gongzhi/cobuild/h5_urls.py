from gongzhi.cobuild.views import h5

app_name = "cobuild_h5"
urlpatterns = h5.urlpatterns
