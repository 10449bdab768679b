"""The draw: the documented algorithm gives the hand-computed order (on SQLite and on PostgreSQL: the
same assertions run on both), a fresh process re-runs it from the published seed and list, the published
hashes match, and a list changed after the commitment is refused."""

from __future__ import annotations

import json
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from django.db import connection

from gongzhi.audit.models import AuditEvent
from gongzhi.core.errors import ApplicationError
from gongzhi.resettlement import draw as drawing
from gongzhi.resettlement.models import Draw, EligibleHousehold
from gongzhi.resettlement.selectors import canonical_list_of, draw_order_of
from gongzhi.resettlement.services import draws, households
from gongzhi.resettlement.tests.factories import (
    EXPECTED_COMMITMENT,
    EXPECTED_LIST_SHA256,
    EXPECTED_ORDER,
    EXPECTED_RESULT_SHA256,
    SEED,
    drawn_project,
    household_rows,
    make_project,
)

ROOT = Path(__file__).resolve().parents[3]


def test_the_algorithm_is_hmac_sha256_sorted_and_stable():
    canonical = drawing.canonical_list(
        (h.key, h.former_village, Decimal(h.entitled_area), 1, 1, 0) for h in reversed(household_rows())
    )
    assert canonical.splitlines()[0] == "T-001|东村|91.50|1|1|0"  # sorted by key whatever the input order
    keys = drawing.keys_of(canonical)
    assert drawing.order(SEED, keys) == EXPECTED_ORDER
    assert drawing.order(SEED, reversed(keys)) == EXPECTED_ORDER
    assert drawing.sha256_hex(canonical) == EXPECTED_LIST_SHA256
    assert drawing.commitment_of(SEED, canonical) == EXPECTED_COMMITMENT
    assert drawing.result_sha256(EXPECTED_ORDER) == EXPECTED_RESULT_SHA256
    # another seed, another order
    assert drawing.order(SEED + "x", keys) != EXPECTED_ORDER
    with pytest.raises(drawing.ListError):
        drawing.keys_of(canonical + "\nT-001|东村|91.50|1|1|0")


@pytest.mark.django_db
def test_the_draw_on_this_database_gives_the_hand_computed_order(district):
    project = drawn_project(district)
    draw = Draw.objects.get(project=project)
    assert connection.vendor in {"sqlite", "postgresql"}
    assert draw_order_of(project=project) == EXPECTED_ORDER
    assert draw.list_sha256 == EXPECTED_LIST_SHA256
    assert draw.commitment == EXPECTED_COMMITMENT
    assert draw.result_sha256 == EXPECTED_RESULT_SHA256
    assert draw.seed == SEED and draw.algorithm == drawing.ALGORITHM
    assert list(
        EligibleHousehold.objects.filter(project=project)
        .order_by("draw_position")
        .values_list("draw_position", flat=True)
    ) == list(range(1, 9))
    event = AuditEvent.objects.get(event_type="resettlement.draw_run")
    assert event.data["result_sha256"] == EXPECTED_RESULT_SHA256


@pytest.mark.django_db
def test_the_seed_is_secret_until_the_draw_and_witnesses_are_required(district, client):
    admin = district.user("district_admin")
    project = make_project(district)
    draw = draws.draw_commit(actor=admin, project_id=project.pk, seed=SEED)
    assert draw.seed == "" and SEED not in draw.seed_encrypted
    client.force_login(admin)
    page = client.get(f"/console/resettlement/{project.pk}/draw/").content.decode()
    assert EXPECTED_COMMITMENT in page and SEED not in page
    api = client.get(f"/api/v1/resettlement/projects/{project.pk}/draw").json()
    assert api["commitment"] == EXPECTED_COMMITMENT and api["seed"] == "" and api["order"] == []
    draws.draw_witness_add(actor=admin, project_id=project.pk, name="李公证", capacity="公证员")
    with pytest.raises(ApplicationError) as exc:
        draws.draw_run(actor=admin, project_id=project.pk)
    assert exc.value.status == 409 and "见证人" in exc.value.message
    draws.draw_witness_add(actor=admin, project_id=project.pk, name="王代表", capacity="村民代表")
    draws.draw_run(actor=admin, project_id=project.pk)
    api = client.get(f"/api/v1/resettlement/projects/{project.pk}/draw").json()
    assert api["seed"] == SEED and api["order"] == EXPECTED_ORDER and len(api["witnesses"]) == 2
    with pytest.raises(ApplicationError) as exc:
        draws.draw_run(actor=admin, project_id=project.pk)
    assert exc.value.status == 409


@pytest.mark.django_db
def test_a_list_changed_after_the_commitment_is_refused(district):
    admin = district.user("district_admin")
    project = make_project(district)
    draws.draw_commit(actor=admin, project_id=project.pk, seed=SEED)
    # through the services: no household may be added or removed any more
    with pytest.raises(ApplicationError) as exc:
        households.eligible_household_add(actor=admin, project_id=project.pk, data=household_rows(9)[8])
    assert exc.value.status == 409 and "名单已封存" in exc.value.message
    one = EligibleHousehold.objects.get(project=project, key="T-001")
    with pytest.raises(ApplicationError):
        households.eligible_household_remove(actor=admin, household_id=one.pk)
    # behind the services' back (a changed entitlement in the database): the draw refuses to run
    EligibleHousehold.objects.filter(pk=one.pk).update(entitled_area="150.00")
    for name in ("李公证", "王代表"):
        draws.draw_witness_add(actor=admin, project_id=project.pk, name=name, capacity="见证人")
    with pytest.raises(ApplicationError) as exc:
        draws.draw_run(actor=admin, project_id=project.pk)
    assert exc.value.status == 409 and "名单在封存后被改动" in exc.value.message
    assert not EligibleHousehold.objects.filter(project=project, draw_position__isnull=False).exists()


@pytest.mark.django_db
def test_a_fresh_process_reruns_the_draw_from_the_published_seed_and_list(district, tmp_path):
    project = drawn_project(district)
    list_file = tmp_path / "draw-list.txt"
    list_file.write_text(canonical_list_of(project=project) + "\n", encoding="utf-8")
    out = subprocess.run(  # noqa: S603 (fixed argv: this interpreter, manage.py, our temp file)
        [
            sys.executable,
            "manage.py",
            "resettlement_draw_verify",
            "--seed",
            SEED,
            "--list",
            str(list_file),
            "--commitment",
            EXPECTED_COMMITMENT,
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    body = json.loads(out.stdout)
    assert body["order"] == EXPECTED_ORDER == draw_order_of(project=project)
    assert body["commitment_matches"] is True and body["ok"] is True
    assert body["result_sha256"] == EXPECTED_RESULT_SHA256


@pytest.mark.django_db
def test_the_verify_command_checks_a_project_in_the_database(district, capsys):
    from django.core.management import call_command

    project = drawn_project(district)
    call_command("resettlement_draw_verify", "--project", str(project.pk))
    body = json.loads(capsys.readouterr().out)
    assert body["ok"] and body["order_matches"] and body["list_matches"] and body["result_matches"]
    EligibleHousehold.objects.filter(project=project, key="T-003").update(draw_position=99)
    with pytest.raises(SystemExit):
        call_command("resettlement_draw_verify", "--project", str(project.pk))
    assert json.loads(capsys.readouterr().out)["order_matches"] is False
