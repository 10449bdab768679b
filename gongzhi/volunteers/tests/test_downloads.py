"""The 志愿服务证明 downloaded from the console and the API: each download leaves exactly one audit row
naming the document and the certificate; a refused one leaves none."""

from __future__ import annotations

import pytest

from gongzhi.testing.audited import download, refused_without_row
from gongzhi.volunteers.services.certificates import certificate_issue
from gongzhi.volunteers.tests.test_certificates import _served

pytestmark = pytest.mark.django_db


def test_a_certificate_download_is_audited(district, team, client):
    _session, _user, volunteer = _served(district, team)
    worker = district.user("community_worker")
    cert = certificate_issue(actor=worker, volunteer_id=volunteer.pk)
    client.force_login(worker)
    for url in (
        f"/console/volunteers/certificates/{cert.pk}.pdf",
        f"/api/v1/volunteers/certificates/{cert.pk}.pdf",
    ):
        r, row = download(
            client, url, event="volunteers.certificate_downloaded", document="志愿服务证明", user=worker
        )
        assert r["Content-Type"] == "application/pdf" and r.content.startswith(b"%PDF")
        assert row.target_type == "volunteers.certificate" and row.target_id == str(cert.pk)
        assert row.data["number"] == cert.number and row.data["volunteer_id"] == volunteer.pk
        assert row.community_code == district.communities["A1"].code
    client.force_login(district.user("department_handler"))
    refused_without_row(client, f"/api/v1/volunteers/certificates/{cert.pk}.pdf")
