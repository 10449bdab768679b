"""Console pages of the grid academy, mounted at console/training/ (namespace ``training``)."""

from django.urls import path

from gongzhi.training.views import console

app_name = "training"
urlpatterns = [
    path("", console.plan_list, name="plans"),
    path("plans/<int:plan_id>/", console.plan_detail, name="plan_detail"),
    path("courses/<int:course_id>/", console.course_detail, name="course_detail"),
    path("courses/<int:course_id>/sessions/", console.session_create, name="session_create"),
    path("courses/<int:course_id>/certificates/", console.certificate_create, name="certificate_create"),
    path(
        "courses/<int:course_id>/certificates.pdf-job/",
        console.certificates_pdf_job,
        name="certificates_pdf_job",
    ),
    path("certificates/<int:certificate_id>.pdf", console.certificate_pdf, name="certificate_pdf"),
    path("sessions/<int:session_id>/", console.session_detail, name="session_detail"),
    path("sessions/<int:session_id>/attendance/", console.attendance_create, name="attendance_create"),
    path("trainees/", console.trainee_list, name="trainees"),
    path(
        "trainees/<int:trainee_id>/qualifications/", console.qualification_create, name="qualification_create"
    ),
    path("figures/", console.figures, name="figures"),
]
