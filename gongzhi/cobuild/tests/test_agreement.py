"""The co-building agreement PDF: only for signed projects, through the scoped selector; poppler reads
back both parties, the number and the terms."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from gongzhi.cobuild.agreement import agreement_pdf
from gongzhi.cobuild.enums import ProviderKind
from gongzhi.cobuild.services.projects import project_claim, project_create
from gongzhi.cobuild.tests.factories import make_need, make_resource, make_unit
from gongzhi.cobuild.tests.test_services import sign
from gongzhi.core.errors import Conflict, NotFound

pytestmark = pytest.mark.django_db


def signed_project(d):
    unit = make_unit(d)
    need = make_need(d)
    res = make_resource(d, unit)
    staff = d.user("community_worker")
    p = project_create(actor=staff, need_ids=[need.pk], resource_ids=[res.pk], title="银山社区义诊进家门")
    project_claim(actor=staff, project_id=p.pk, claimant_kind=ProviderKind.UNIT, claimant_id=unit.pk)
    return p


def test_agreement_only_when_signed_and_in_scope(district):
    d = district
    p = signed_project(d)
    with pytest.raises(Conflict, match="尚未签约"):
        agreement_pdf(actor=d.user("community_worker"), project_id=p.pk)
    sign(d, p)
    number, pdf = agreement_pdf(actor=d.user("community_worker"), project_id=p.pk)
    assert pdf.startswith(b"%PDF") and number.startswith("GJXY-")
    with pytest.raises(NotFound):
        agreement_pdf(
            actor=d.user("grid_worker_g2").__class__.objects.create(username="nobody"), project_id=p.pk
        )


@pytest.mark.pdf
def test_agreement_renders_in_poppler(district, tmp_path):
    pdftotext = shutil.which("pdftotext")
    assert pdftotext, "poppler-utils is required"
    d = district
    p = sign(d, signed_project(d))
    _number, pdf = agreement_pdf(actor=d.user("community_worker"), project_id=p.pk)
    path = tmp_path / "agreement.pdf"
    path.write_bytes(pdf)
    text = subprocess.run(  # noqa: S603 (fixed argv, our own temp file)
        [pdftotext, str(path), "-"], check=True, capture_output=True, text=True
    ).stdout
    compact = "".join(text.split())
    for expected in (
        "共驻共建协议书",
        p.agreement_number,
        "济阳区人民医院",
        "银山社区",
        "每周三上午开展义诊",
        "李院长",
    ):
        assert expected in compact
