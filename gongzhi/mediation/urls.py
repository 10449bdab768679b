"""Console pages of people's mediation, mounted at console/mediation/ (namespace ``mediation``)."""

from django.urls import path

from gongzhi.mediation.books import REGISTERS
from gongzhi.mediation.views import cases, organisation, warnings

app_name = "mediation"
urlpatterns = [
    path("", cases.case_list, name="cases"),
    path("cases/<int:case_id>/", cases.case_detail, name="case_detail"),
    path("cases/<int:case_id>/parties/", cases.disputant_add, name="disputant_add"),
    path("cases/<int:case_id>/agreement.pdf", cases.case_agreement, name="case_agreement"),
    path("cases/<int:case_id>/case-file.pdf", cases.case_file, name="case_file"),
    *[
        path(
            f"cases/<int:case_id>/{move}/",
            cases.case_move,
            {"move": move},
            name=f"case_{move.replace('-', '_')}",
        )
        for move in cases.MOVES
    ],
    path("parties/<int:disputant_id>/reveal/", cases.disputant_reveal, name="disputant_reveal"),
    path("committees/", organisation.committee_list, name="committees"),
    path("committees/entries/", organisation.register_entry, name="register_entry"),
    path("committees/new/", organisation.committee_new, name="committee_new"),
    path("committees/<int:committee_id>/edit/", organisation.committee_edit, name="committee_edit"),
    path(
        "committees/<int:committee_id>/deactivate/",
        organisation.committee_deactivate,
        name="committee_deactivate",
    ),
    path("committees/<int:committee_id>/rooms/", organisation.room_new, name="room_new"),
    path("committees/rooms/<int:room_id>/edit/", organisation.room_edit, name="room_edit"),
    path("committees/<int:committee_id>/mediators/", organisation.mediator_new, name="mediator_new"),
    path(
        "committees/mediators/<int:mediator_id>/deactivate/",
        organisation.mediator_deactivate,
        name="mediator_deactivate",
    ),
    *[
        path(
            f"committees/<int:committee_id>/{kind}.pdf",
            organisation.register_pdf,
            {"kind": kind},
            name=f"{kind}_pdf",
        )
        for kind in REGISTERS
    ],
    *[
        path(
            f"committees/<int:committee_id>/{kind}.xlsx",
            organisation.register_xlsx,
            {"kind": kind},
            name=f"{kind}_xlsx",
        )
        for kind in REGISTERS
    ],
    path("screenings/", organisation.screening_list, name="screenings"),
    path("figures/", organisation.figures, name="figures"),
    path("warnings/", warnings.warning_list, name="warnings"),
    path(
        "warnings/<int:warning_id>/hand-over/",
        warnings.warning_move,
        {"move": "hand-over"},
        name="warning_hand_over",
    ),
    path("warnings/<int:warning_id>/close/", warnings.warning_move, {"move": "close"}, name="warning_close"),
]
