"""The xlsx files are a Chinese format: a page shown in English must not change what goes in or out."""

import io

from django.utils import translation
from openpyxl import load_workbook

from gongzhi.people import imports, sheets
from gongzhi.people.tests.helpers import person_row, xlsx_bytes


def test_template_and_import_stay_chinese_under_english(district):
    with translation.override("en"):
        template = load_workbook(io.BytesIO(sheets.template_workbook()))
        values = [c.value for c in template.worksheets[0][2]]
        assert "本人（户主）" in values  # the example row's relation, in Chinese
        g1 = district.grids["g1"].code
        rows = [person_row(g1, "1201", "英文界面", 901, tags="党员、退役军人")]
        record = imports.population_import(
            actor=district.user("grid_worker"), file_name="a.xlsx", content=xlsx_bytes(rows), dry_run=True
        )
        assert record.error_count == 0, record.errors


def test_tag_labels_follow_the_request_language():
    from gongzhi.people.templatetags.people_tags import tag_labels

    with translation.override("en"):
        english = tag_labels(["party_member"])
    with translation.override("zh-hans"):
        assert tag_labels(["party_member"]) == ["党员"]
    assert english != ["党员"]
