from __future__ import annotations

import shutil
import subprocess
from typing import cast

import pytest

from gongzhi.core.errors import Conflict, NotFound
from gongzhi.party import cards
from gongzhi.party.services import registration as reg
from gongzhi.party.tests.test_registration import party  # noqa: F401 (fixture)

URL = "http://testserver/console/party/registrations/1/"


def accept(district, r):
    return reg.registration_accept(
        actor=district.user("community_worker"),
        registration_id=r.pk,
        classification="medical",
        grid_code=district.grids["g1"].code,
    )


def test_card_only_for_accepted(district, party):  # noqa: F811
    pm = district.user("party_member")
    with pytest.raises(Conflict) as exc:
        cards.registration_card_pdf(actor=pm, registration_id=party.r_self.pk, page_url=URL)
    assert "尚未接收" in exc.value.message
    accept(district, party.r_self)
    pdf = cards.registration_card_pdf(actor=pm, registration_id=party.r_self.pk, page_url=URL)
    assert pdf.startswith(b"%PDF")
    # out of scope: the same 404 as missing
    with pytest.raises(NotFound):
        cards.registration_card_pdf(
            actor=district.user("grid_worker"), registration_id=party.r_self.pk, page_url=URL
        )


@pytest.mark.pdf
def test_card_renders_in_poppler(district, party, tmp_path):  # noqa: F811
    pdftoppm, pdftotext = shutil.which("pdftoppm"), shutil.which("pdftotext")
    assert pdftoppm and pdftotext, "poppler-utils is required"
    accept(district, party.r_self)
    pdf = cards.registration_card_pdf(
        actor=district.user("community_worker"), registration_id=party.r_self.pk, page_url=URL
    )
    path = tmp_path / "card.pdf"
    path.write_bytes(pdf)
    subprocess.run(  # noqa: S603 (fixed argv, our own temp file)
        [pdftoppm, "-png", "-r", "50", str(path), str(tmp_path / "card")], check=True
    )
    pngs = list(tmp_path.glob("card*.png"))
    assert len(pngs) == 1
    from PIL import Image

    img = Image.open(pngs[0]).convert("L")
    lo, hi = cast("tuple[int, int]", img.getextrema())
    assert lo < 128 < hi, "the page is blank"
    text = subprocess.run(  # noqa: S603
        [pdftotext, str(path), "-"], check=True, capture_output=True, text=True
    ).stdout
    compact = "".join(text.split())
    assert "在职党员报到证" in compact
    assert party.r_self.member.name in compact
    party.r_self.refresh_from_db()
    assert party.r_self.card_number in compact
    assert "139****2345" in compact
