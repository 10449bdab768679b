"""The authorization matrix (gongzhi/authz/routes.py): every route × every role × an object in scope and
one outside it. Fails on any leak, on a route nobody classified, and when docs/security.md's table is
no longer what the routes answer."""

from __future__ import annotations

import time
from pathlib import Path

from gongzhi.authz import matrix
from gongzhi.authz.world import build_world

SECURITY_MD = Path(__file__).resolve().parents[3] / "docs" / "security.md"


def test_every_route_is_classified_and_no_row_is_stale():
    assert matrix.unclassified() == [], "add these routes to gongzhi/authz/routes.py ROUTES"
    assert matrix.stale() == [], "these ROUTES rows name routes that no longer exist"


def test_the_enumeration_sees_every_kind_of_route():
    routes = matrix.routes_enumerated()
    assert "GET /api/v1/persons/{person_id}" in routes
    assert "/console/people/{person_id}/" in routes
    assert "/h5/tickets/{ticket_id}/" in routes
    assert "/open311/v2/requests/{service_request_id}.{fmt}" in routes
    assert len(routes) > 250


def test_authorization_matrix_has_no_leak_and_docs_security_md_is_true(db, capsys):
    started, cpu = time.monotonic(), time.process_time()
    world = build_world()
    results = matrix.run_matrix(world)
    found = matrix.violations(world, results)
    with capsys.disabled():
        print(
            f"\nauthz matrix: {len(results)} routes × {len(matrix.COLUMNS)} columns in "
            f"{time.monotonic() - started:.1f} s ({time.process_time() - cpu:.1f} s CPU)"
        )
    assert found == [], "\n".join(found)
    committed = matrix.committed_table(SECURITY_MD.read_text(encoding="utf-8"))
    assert committed == matrix.render_table(results), (
        "docs/security.md is out of date: python manage.py authz_matrix --write docs/security.md"
    )


def test_a_leak_is_caught(db, client):
    """The checks themselves can fail: a route that lets a grid worker read another subdistrict's
    person, or shows that person's name, is named as a violation."""
    world = build_world()
    key = "GET /api/v1/persons/{person_id}"
    route = matrix.ROUTES[key]
    b_name = world.objects["person"]["B"].texts[0]
    leak = matrix.Answer(status=200, leaked=[b_name])
    results = {key: {"grid_worker": matrix.Cell(a=matrix.Answer(status=200), b=leak)}}
    found = matrix.violations(world, results)
    assert any("out-of-scope person answered 200" in f for f in found)
    assert any(b_name in f for f in found)
    results = {key: {"department_handler": matrix.Cell(a=matrix.Answer(status=200), b=None)}}
    assert "department_handler" not in route.allow
    assert any("does not let it in" in f for f in matrix.violations(world, results))

    # JSON bodies are searched for Chinese names too (ninja writes them as JSON \u escapes)
    client.force_login(world.users["grid_worker"])
    a_name = world.objects["person"]["A"].texts[0]
    response = client.get("/api/v1/persons")
    assert a_name not in response.content.decode() and a_name in matrix._body_text(response)
