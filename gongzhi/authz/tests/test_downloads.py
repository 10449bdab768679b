"""Every file the product hands out is classified: a document with personal data leaves one audit row per
download (its event, tested beside its app), a file without any says why. A new download route fails
here until someone decides which it is."""

from __future__ import annotations

from pathlib import Path

from gongzhi.audit.enums import EVENT_LABELS
from gongzhi.authz import matrix

GONGZHI = Path(__file__).resolve().parents[2]
FILE_ENDINGS = (".pdf", ".xlsx", ".xls", ".csv", ".geojson", "/geojson", ".zip", ".docx", "/snapshot")

# Route → the audit event its download writes, and the test that proves the row (one per download).
AUDITED = {
    "/console/resettlement/households/{household_id}/statement.pdf": (
        "resettlement.document_downloaded",
        "resettlement/tests/test_allocation.py",
    ),
    "/console/resettlement/{project_id}/notice.pdf": (
        "resettlement.document_downloaded",
        "resettlement/tests/test_allocation.py",
    ),
    "GET /api/v1/training/certificates/{certificate_id}.pdf": (
        "training.certificate_downloaded",
        "training/tests/test_certificate_pdf.py",
    ),
    "/console/training/certificates/{certificate_id}.pdf": (
        "training.certificate_downloaded",
        "training/tests/test_certificate_pdf.py",
    ),
    "/h5/training/certificates/{certificate_id}.pdf": (
        "training.certificate_downloaded",
        "training/tests/test_certificate_pdf.py",
    ),
    "GET /api/v1/persons/export.xlsx": ("people.persons_exported", "people/tests/test_export.py"),
    "/console/people/export.xlsx": ("people.persons_exported", "people/tests/test_views.py"),
    "GET /api/v1/persons/imports/{import_id}/errors.xlsx": (
        "people.import_report_downloaded",
        "people/tests/test_export_cells.py",
    ),
    "/console/people/imports/{import_id}/errors.xlsx": (
        "people.import_report_downloaded",
        "people/tests/test_export_cells.py",
    ),
    "/console/tickets/export.xlsx": ("tickets.exported", "tickets/tests/test_export_cells.py"),
    "/console/party/members/imports/{import_id}/errors.xlsx": (
        "party.member_import_report_downloaded",
        "party/tests/test_member_pages.py",
    ),
    "GET /api/v1/tickets/hotline-imports/{import_id}/errors.xlsx": (
        "tickets.hotline_report_downloaded",
        "tickets/tests/test_export_cells.py",
    ),
    "/console/tickets/hotline/{import_id}/errors.xlsx": (
        "tickets.hotline_report_downloaded",
        "tickets/tests/test_export_cells.py",
    ),
    "GET /api/v1/party/registrations/{registration_id}/card.pdf": (
        "party.registration_card_downloaded",
        "party/tests/test_downloads.py",
    ),
    "/console/party/registrations/{registration_id}/card.pdf": (
        "party.registration_card_downloaded",
        "party/tests/test_downloads.py",
    ),
    "GET /api/v1/party/letters/export.xlsx": (
        "party.feedback_letters_exported",
        "party/tests/test_downloads.py",
    ),
    "/console/party/serving/letters/export.xlsx": (
        "party.feedback_letters_exported",
        "party/tests/test_downloads.py",
    ),
    "GET /api/v1/party/letters/{letter_id}.pdf": (
        "party.feedback_letter_downloaded",
        "party/tests/test_downloads.py",
    ),
    "/console/party/serving/letters/{letter_id}.pdf": (
        "party.feedback_letter_downloaded",
        "party/tests/test_downloads.py",
    ),
    "GET /api/v1/party/assessment/ranking.xlsx": ("party.ranking_exported", "party/tests/test_downloads.py"),
    "/console/party/serving/ranking.xlsx": ("party.ranking_exported", "party/tests/test_downloads.py"),
    "GET /api/v1/volunteers/certificates/{certificate_id}.pdf": (
        "volunteers.certificate_downloaded",
        "volunteers/tests/test_downloads.py",
    ),
    "/console/volunteers/certificates/{certificate_id}.pdf": (
        "volunteers.certificate_downloaded",
        "volunteers/tests/test_downloads.py",
    ),
    "GET /api/v1/cobuild/projects/{project_id}/agreement.pdf": (
        "cobuild.agreement_downloaded",
        "cobuild/tests/test_downloads.py",
    ),
    "/console/cobuild/projects/{project_id}/agreement.pdf": (
        "cobuild.agreement_downloaded",
        "cobuild/tests/test_downloads.py",
    ),
    "/console/care/registers/visits.xlsx": ("care.register_downloaded", "care/tests/test_registers.py"),
    "/console/care/registers/visits.pdf": ("care.register_downloaded", "care/tests/test_registers.py"),
    "/console/care/registers/roster.xlsx": ("care.register_downloaded", "care/tests/test_registers.py"),
    "/console/care/registers/roster.pdf": ("care.register_downloaded", "care/tests/test_registers.py"),
    "/console/care/registers/care-visits.xlsx": ("care.register_downloaded", "care/tests/test_registers.py"),
    "/console/care/registers/care-visits.pdf": ("care.register_downloaded", "care/tests/test_registers.py"),
    "/console/mediation/cases/{case_id}/agreement.pdf": (
        "mediation.document_downloaded",
        "mediation/tests/test_views.py",
    ),
    "/console/mediation/cases/{case_id}/case-file.pdf": (
        "mediation.document_downloaded",
        "mediation/tests/test_views.py",
    ),
    "/console/mediation/committees/{committee_id}/visits.pdf": (
        "mediation.document_downloaded",
        "mediation/tests/test_views.py",
    ),
    "/console/mediation/committees/{committee_id}/visits.xlsx": (
        "mediation.document_downloaded",
        "mediation/tests/test_views.py",
    ),
    "/console/mediation/committees/{committee_id}/consultations.pdf": (
        "mediation.document_downloaded",
        "mediation/tests/test_views.py",
    ),
    "/console/mediation/committees/{committee_id}/consultations.xlsx": (
        "mediation.document_downloaded",
        "mediation/tests/test_views.py",
    ),
    "/console/mediation/committees/{committee_id}/cases.pdf": (
        "mediation.document_downloaded",
        "mediation/tests/test_views.py",
    ),
    "/console/mediation/committees/{committee_id}/cases.xlsx": (
        "mediation.document_downloaded",
        "mediation/tests/test_views.py",
    ),
    "/console/mediation/committees/{committee_id}/meetings.pdf": (
        "mediation.document_downloaded",
        "mediation/tests/test_views.py",
    ),
    "/console/mediation/committees/{committee_id}/meetings.xlsx": (
        "mediation.document_downloaded",
        "mediation/tests/test_views.py",
    ),
    # a device event's scene picture: people may be in it (faces are never kept, but a scene is a scene)
    "/console/devices/events/{event_id}/snapshot": ("devices.snapshot_viewed", "devices/tests/test_views.py"),
    "/console/stairwells/register.xlsx": (
        "stairwells.register_downloaded",
        "stairwells/tests/test_views.py",
    ),
    "/console/councils/meetings/{meeting_id}/minutes.pdf": (
        "councils.minutes_downloaded",
        "councils/tests/test_views.py",
    ),
    "/console/registers/export/{key}.xlsx": ("registers.exported", "registers/tests/test_exports.py"),
    "GET /api/v1/registers/{key}.xlsx": ("registers.exported", "registers/tests/test_exports.py"),
    "/console/registers/imports/{import_id}/errors.xlsx": (
        "registers.import_report_downloaded",
        "registers/tests/test_imports.py",
    ),
    "GET /api/v1/registers/imports/{import_id}/errors.xlsx": (
        "registers.import_report_downloaded",
        "registers/tests/test_imports.py",
    ),
    # 考核: grid workers' names with their scores and ranks
    "/console/assessment/runs/{run_id}/export.xlsx": (
        "assessment.run_downloaded",
        "assessment/tests/test_views.py",
    ),
    "/console/assessment/runs/{run_id}/export.pdf": (
        "assessment.run_downloaded",
        "assessment/tests/test_views.py",
    ),
    "/console/assessment/results/{result_id}/sheet.pdf": (
        "assessment.run_downloaded",
        "assessment/tests/test_views.py",
    ),
}
# Route → why its file holds no personal data (so its download is not audited).
NOT_PERSONAL = {
    "GET /api/v1/venues/geojson": "venue points, names, kinds and opening hours (no manager, no booker)",
    "GET /api/v1/persons/import-template.xlsx": "the empty template with a made-up example row",
    "/console/people/import/template.xlsx": "the empty template with a made-up example row",
    "/console/party/members/import/template.xlsx": "the empty template with a made-up example row",
    "/console/party/communities/{code}/coverage.pdf": (
        "grids, branch names, secretaries' names as the organisation tree shows them and member counts: "
        "no resident's data"
    ),
    "/console/party/communities/{code}/coverage.xlsx": (
        "grids, branch names, secretaries' names as the organisation tree shows them and member counts: "
        "no resident's data"
    ),
    "GET /api/v1/tickets/hotline-import-template.xlsx": "the empty template with a made-up example row",
    "/console/tickets/hotline/template.xlsx": "the empty template with a made-up example row",
    "GET /api/v1/registers/import-templates/{kind}.xlsx": "the empty template with a made-up example row",
    "/console/registers/import/{kind}/template.xlsx": "the empty template with a made-up example row",
    "GET /api/v1/grids/geojson": "grid boundaries, codes and names",
    "/console/places/grids/export.geojson": "grid boundaries, codes and names",
    "/console/volunteers/sessions/{session_id}/poster.pdf": "an activity's title, time and check-in QR code",
    "/console/councils/resolutions/{resolution_id}/notice.pdf": (
        "the public resolution notice (决议公示): the decision, the responsible unit, the vote tally and "
        "progress, free text masked; no member's vote and no resident"
    ),
    "/h5/councils/public/resolutions/{resolution_id}.pdf": (
        "the same public resolution notice anyone may read once it is published"
    ),
    "/console/property/assessment/export.xlsx": (
        "the quarterly ranking: companies', committees' and branches' names, their estates and scores "
        "(no resident, no rating comment)"
    ),
}


def _downloads() -> set[str]:
    return {r for r in matrix.routes_enumerated() if r.endswith(FILE_ENDINGS)}


def test_every_download_is_audited_or_says_why_not():
    found = _downloads()
    unclassified = sorted(found - set(AUDITED) - set(NOT_PERSONAL))
    assert not unclassified, (
        "classify these downloads in gongzhi/authz/tests/test_downloads.py: AUDITED (a document with "
        f"personal data: one audit row per download, and its test) or NOT_PERSONAL (why): {unclassified}"
    )
    stale = sorted((set(AUDITED) | set(NOT_PERSONAL)) - found)
    assert not stale, f"these rows name routes that no longer exist: {stale}"
    assert not set(AUDITED) & set(NOT_PERSONAL)


def test_every_audited_download_has_a_labelled_event_and_a_test_that_checks_its_row():
    for route, (event, test_file) in AUDITED.items():
        assert event in EVENT_LABELS, f"{route}: {event} has no label in gongzhi/audit/enums.py"
        source = (GONGZHI / test_file).read_text(encoding="utf-8")
        assert event in source, f"{route}: {test_file} does not check {event}"
        path = route.removeprefix("GET ").split("{")[0]
        assert path in source, f"{route}: {test_file} does not request {path}"
