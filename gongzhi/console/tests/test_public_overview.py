"""The public overview page (/overview/, no login): the district's figures in Chinese from the same function
as /api/v1/overview, only the allow-listed ones, charts fed by a json_script block and a static script
(no inline script under the CSP), and no personal data."""

from __future__ import annotations

import json
import re

import pytest

from gongzhi.console.figures import PUBLIC_FIGURES
from gongzhi.people.models import Person
from gongzhi.testing import build_small_district

pytestmark = pytest.mark.django_db


def test_public_overview_shows_the_api_figures_without_login_and_without_personal_data(client):
    district = build_small_district()
    api = client.get("/api/v1/overview").json()
    response = client.get("/overview/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "全区概览" in html
    for _title, items in PUBLIC_FIGURES:
        for _path, label, _unit in items:
            assert label in html
    # the same figures as the API, as the page shows them
    section = re.search(r"<dt>实有人口</dt><dd>([^<]+)</dd>", html)
    assert section and section.group(1) == f"{api['persons']:,}人"
    grids = re.search(r"<dt>居民网格</dt><dd>([^<]+)</dd>", html)
    assert grids and grids.group(1) == f"{api['grids']['residential']}个"
    block = re.search(r'<script id="overview-data" type="application/json">(.*?)</script>', html)
    assert block is not None
    data = json.loads(block.group(1))
    assert (
        {row["name"]: row["value"] for row in data["grids"]}["居民网格"] == api["grids"]["residential"] == 4
    )
    # CSP: every script is a file of our own; the data block is JSON, not code
    scripts = re.findall(r"<script([^>]*)>", html)
    assert all("src=" in attrs or 'type="application/json"' in attrs for attrs in scripts)
    assert "/static/vendor/echarts/echarts.min.js" in html and "/static/console/overview.js" in html
    # no name, masked phone or household address of anyone
    for person in Person.objects.all():
        assert person.name not in html and (not person.phone_masked or person.phone_masked not in html)
    assert district.households["g1"][0].address not in html
