"""The 共驻共建协议书 downloaded from the console and the API: each download leaves exactly one audit row
naming the document and the project; a refused one (not signed, out of scope) leaves none."""

from __future__ import annotations

import pytest

from gongzhi.cobuild.tests.test_agreement import signed_project
from gongzhi.cobuild.tests.test_services import sign
from gongzhi.testing.audited import download, refused_without_row

pytestmark = pytest.mark.django_db


def test_an_agreement_download_is_audited(district, client):
    d = district
    project = signed_project(d)
    worker = d.user("community_worker")
    client.force_login(worker)
    refused_without_row(client, f"/api/v1/cobuild/projects/{project.pk}/agreement.pdf", status=409)
    project = sign(d, project)
    for url in (
        f"/console/cobuild/projects/{project.pk}/agreement.pdf",
        f"/api/v1/cobuild/projects/{project.pk}/agreement.pdf",
    ):
        r, row = download(
            client, url, event="cobuild.agreement_downloaded", document="共驻共建协议书", user=worker
        )
        assert r["Content-Type"] == "application/pdf"
        assert row.target_type == "cobuild.project" and row.target_id == str(project.pk)
        assert row.data["number"] == project.agreement_number
    client.force_login(d.user("department_handler"))
    refused_without_row(client, f"/api/v1/cobuild/projects/{project.pk}/agreement.pdf")
