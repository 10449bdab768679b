"""The admin shows the register read-only, with masked values only."""

from __future__ import annotations

from django.urls import reverse

from gongzhi.accounts.models import User
from gongzhi.core import ids
from gongzhi.people import imports
from gongzhi.people.tests.helpers import person_row, xlsx_bytes


def test_person_admin_is_read_only_and_masked(district, client):
    client.force_login(User.objects.create_superuser("root", password="root-Passw0rd-x"))
    person = district.persons["g1"][0]
    changelist = client.get(reverse("admin:people_person_changelist"))
    assert changelist.status_code == 200
    html = changelist.content.decode()
    assert person.id_number_masked in html and person.phone_masked in html
    page = client.get(reverse("admin:people_person_change", args=[person.pk]))
    assert page.status_code == 200
    detail = page.content.decode()
    for secret in (
        person.id_number_encrypted,
        person.phone_encrypted,
        person.id_number_hash,
        person.phone_hash,
        ids.decrypt(person.id_number_encrypted),
        ids.decrypt(person.phone_encrypted),
    ):
        assert secret not in html and secret not in detail
    assert 'name="_save"' not in detail
    assert client.get(reverse("admin:people_person_add")).status_code == 403
    assert client.post(reverse("admin:people_person_delete", args=[person.pk])).status_code == 403


def test_population_import_admin_is_read_only(district, client):
    g1 = district.grids["g1"].code
    record = imports.population_import(
        actor=district.user("grid_worker"),
        file_name="名单.xlsx",
        content=xlsx_bytes([person_row(g1, "1", "", 1)]),
    )
    client.force_login(User.objects.create_superuser("root", password="root-Passw0rd-x"))
    r = client.get(reverse("admin:people_populationimport_changelist"))
    assert r.status_code == 200 and "名单.xlsx" in r.content.decode()
    page = client.get(reverse("admin:people_populationimport_change", args=[record.pk]))
    assert page.status_code == 200 and 'name="_save"' not in page.content.decode()
    assert client.get(reverse("admin:people_populationimport_add")).status_code == 403
