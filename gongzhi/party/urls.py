from gongzhi.party.views import members, organizations, registration, serving

app_name = "party"
urlpatterns = [
    *organizations.urlpatterns,
    *members.urlpatterns,
    *registration.urlpatterns,
    *serving.urlpatterns,
]
