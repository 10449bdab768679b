from gongzhi.party.views import organizations, registration, serving

app_name = "party"
urlpatterns = [*organizations.urlpatterns, *registration.urlpatterns, *serving.urlpatterns]
