"""The shape of the code: every app has the one app shape, imports point down the layer order written in
docs/architecture.md, and there are no import circles.

Fails with the file and line to change, so a newcomer adding an app learns the rules from the failure.
"""

from __future__ import annotations

import ast
import re
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path

from django.conf import settings

ROOT = Path(__file__).resolve().parents[3]
GONGZHI = ROOT / "gongzhi"
ARCHITECTURE_MD = ROOT / "docs" / "architecture.md"

# Packages of gongzhi/ that are no app: test harnesses (only tests import them) and shared assets.
HARNESSES = {"testing", "faults", "cluster"}
NOT_CODE = {"static", "templates", "locale", "__pycache__"}  # locale: the project templates' catalogue

# The app shape (docs/architecture.md): these names, each a module or a package of the same name.
SHAPE = {
    "__init__",
    "apps",
    "admin",
    "models",
    "enums",
    "transitions",
    "permissions",
    "services",
    "selectors",
    "api",
    "forms",
    "views",
    "urls",
    "h5_urls",
    "tests",
    "migrations",
    "management",
    "templates",
    "templatetags",
    "static",
    "locale",
    "__pycache__",
}
# Modules beside the shape: domain logic that is neither a write nor a scoped read (pure computation,
# file formats, adapters). Each is named for what it is; a new one is added here with its reason.
DOMAIN_MODULES: dict[str, dict[str, str]] = {
    "core": {
        "access": "who may use the console and the H5 site; the login decorators",
        "bounds": "the input edges: 64-bit integers, 1900–2100 dates, list sizes, control characters",
        "bulk": "fast inserts and the one-statement Batch",
        "cells": "the one safe writer of xlsx and csv cells (no formulas, no control characters)",
        "pdf": "the one Chinese font of every PDF (reportlab's CID font, registered once)",
        "sweeps": "the registry of the supervision sweep's parts that apps above tickets add",
        "checks": "Django system checks",
        "codes": "GB/T 2260, statistical and grid codes",
        "coords": "GCJ-02 / BD-09 / WGS-84 conversion",
        "duties": "separation of duties: the one refusal of deciding on one's own work",
        "errors": "ApplicationError, the one error type",
        "http": "view helpers: query numbers, refusals, PDF and xlsx responses",
        "ids": "ID and phone validation, SM4, HMAC-SM3, masking",
        "images": "photo uploads: sniffed, bomb-checked, re-encoded",
        "locks": "advisory lock names",
        "masking": "the public-text filter (phones, IDs, doors, names) and how far addresses and points go",
        "parsing": "untrusted files parsed in a child process with memory and time limits",
        "pinyin": "pinyin sort keys",
        "ratelimit": "rate limits on the shared cache",
        "replica": "the read-replica router: reading_from_replica, the lag guard, read-your-writes",
        "roles": "the roles and the named role sets",
        "scope": "Scope: what an actor's role assignments cover",
        "sessions": "who is asking, in one query",
        "sheetread": "xlsx/csv uploads read into plain rows within bounds (in the child process)",
        "sheets": "spreadsheet upload checks, the row scan, templates and error reports",
        "textsearch": "bigram full-text search",
        "types": "the Actor type",
        "unavailable": "the 503 answer when the database is down",
        "uploads": "the request-size limit",
        "workflow": "Workflow and the one check_move",
    },
    "ops": {"backup": "the backup archive format, create, verify and restore"},
    "audit": {
        "labels": "the words for the keys and values of an event's data (value registry the apps fill)",
        "field_labels": "the table of field labels of audit data",
    },
    "care": {"registers": "the care registers (visit ledger, rosters, care visits) as xlsx and PDF"},
    "socialorgs": {"ranking": "the contest's arithmetic: scoring-sheet totals and the competition ranking"},
    "stairwells": {
        "naming": "the naming rule: named after two passes, quarterly re-inspection, revoked after two failures",
        "registers": "the stairwell register as xlsx",
    },
    "registers": {
        "sheets": "the import formats of the units and in-service members registers",
        "exports": "the registers as xlsx: title row, frozen Chinese headers, widths",
    },
    "places": {
        "boundaries": "GeoJSON grid boundaries: checks for overlaps and gaps",
        "geo": "the STR-tree point-to-grid locator",
    },
    "jobs": {
        "tasks": "the task functions the workers run (django-tasks) and the registry of kinds and schedules",
        "worker": "one pass of the task worker: stale jobs requeued, schedules due, ready tasks run",
    },
    "people": {
        "sheets": "the population spreadsheet format",
        "imports": "the population import pipeline (rows checked, then COPY or bulk_create)",
        "exports": "the population register as xlsx",
    },
    "accounts": {
        "hashers": "the Argon2id password hasher",
        "lockout": "the django-axes lockout answer",
        "sms": "the SMS sender setting",
    },
    "workdays": {"calendar": "the official working-day calendar and deadline arithmetic"},
    "routing": {
        "taxonomy": "the 15 top-level classes, levels, department types; every small class placed",
        "normalise": "full-width, Traditional→Simplified, phone/ID and petition boilerplate removal",
        "lexicon": "the shipped keywords and phrases per small class",
        "corpus": "the generator of the project's own training corpus",
        "classifier": "naive Bayes over character n-grams and keywords: train, store, suggest",
        "dedup": "duplicate score and the banded-MinHash index",
        "data": "the shipped model file",
    },
    "tickets": {
        "deadlines": "a ticket's deadlines on the working-day calendar",
        "exports": "the ticket register as xlsx",
        "figures": "chart data for the indicator page",
        "hotline": "the 12345 hotline import pipeline",
        "hotline_sheets": "the 12345 spreadsheet format",
        "hotline_jobs": "the 12345 hotline import as a background job",
        "indicators": "the indicator formulas over the rollups",
        "notify": "the notice sender setting",
        "rollup": "the DailyStat/MonthlyStat/StatusCount rollups",
        "stats": "rollup rows of one move",
        "sums": "sums over the rollups",
        "taxonomy": "the shipped category tree",
    },
    "party": {
        "cards": "the member card PDF",
        "coverage_table": "the community's branch coverage table as PDF and xlsx",
        "member_import": "the community-managed members' xlsx/csv import (template, checks, error report)",
        "exports": "feedback letters and the unit ranking as xlsx, the feedback letter PDF",
    },
    "volunteers": {
        "certificates": "the service-hours certificate PDF",
        "clock": "the clock the check-in windows read",
    },
    "cobuild": {
        "agreement": "the co-building agreement PDF",
        "matching": "the yearly matching plan (linear programme)",
    },
    "mediation": {
        "books": "the four registers made from the records as PDF and xlsx, the case documents' downloads",
        "documents": "the registers, the mediation agreement and the case file as PDFs",
        "early_warning": "the warning rules' aggregate queries over tickets and cases",
    },
    "venues": {
        "coverage": "the 15-minute circle (STR-tree nearest venue per household)",
        "hours": "opening hours and the 678 after-hours windows",
    },
    "training": {"certificate": "the certificate of completion PDF"},
    "points": {
        "ledger": "the ledger's hash chain and the chain and balance checks (points_verify)",
        "sources": "the readers the apps above points register for the claims generated from their records",
    },
    "devices": {
        "signing": "the platforms' HMAC signatures: derive, sign, check (pure computation)",
        "payload": "a platform's event body read by allow-list; face and identity fields stripped",
        "routing": "the shipped table from an event kind to a ticket category and storm window",
    },
    "resettlement": {
        "draw": "the verifiable draw: canonical list, commitment, HMAC-SHA256 order, hashes",
        "settlement": "the area-difference settlement in Decimal over the price bands",
        "documents": "the settlement statement and the public notice PDFs",
    },
    "councils": {"documents": "the minutes (会议纪要) and the resolution notice (决议公示) PDFs"},
    "property": {
        "scoring": "the quarterly assessment's arithmetic: indicators scored 0–100, weights, ranks",
        "exports": "the quarterly assessment as xlsx",
    },
    "cockpit": {"rollups": "the cockpit's figures: each module's queryset, grouped per place and month"},
    "assessment": {
        "indicators": "the catalogue of indicators, each computed for all subjects of a run by grouped queries",
        "scoring": "a run's arithmetic: a line's 0–100 score, the weighted total, ranks",
        "exports": "a run as xlsx",
        "documents": "a run and a subject's sheet as PDF",
    },
    "console": {"context": "the console's template context", "figures": "the home page's figures"},
    "demo": {
        "accounts": "demo accounts",
        "care": "demo care rosters, visits and care visits",
        "cobuild": "demo three lists",
        "councils": "demo councils, topics, meetings, resolutions, 党群提案 and 书记有约",
        "layout": "demo places",
        "mediation": "demo people's mediation",
        "party": "demo party organisations",
        "party_service": "demo dual registration",
        "party_accounts": "demo in-service member and unit liaison accounts",
        "party_units": "demo units",
        "points": "demo points scheme, claims, reviews and shop",
        "devices": "demo smart-community devices and a month of their events",
        "routing": "demo routing suggestions and corrections, the department mapping",
        "population": "demo population",
        "property": "demo red property: companies, committees, 同心桥 branches, a year of assessments",
        "assessment": "demo year-end assessment: 济阳街道's grids, computed and published",
        "seed": "the seed_demo driver",
        "ticket_texts": "demo ticket texts",
        "tickets": "demo tickets",
        "volunteers": "demo volunteer service",
        "venues": "demo venues and bookings",
        "training": "demo grid academy",
        "socialorgs": "demo social organisations, funded projects and contests",
        "stairwells": "demo stairwells, inspections and captains",
        "campaigns": "demo joint campaign and inspection rounds",
        "resettlement": "demo resettlement project, draw and allocation",
    },
    "authz": {
        "matrix": "enumerate, probe and render the matrix",
        "routes": "the one table of routes",
        "world": "the world the matrix runs in",
        "language": "every console and H5 page read in one language: what of the other it still shows",
        "throwaway": "the matrix world in a throwaway test database, for the probing commands",
    },
}
# A layer file past this many lines becomes a package of the same name, one module per sub-domain.
LAYER_MAX_LINES = 600
LAYERS_AS_MODULES = ("services", "selectors", "api", "views", "forms", "permissions")
STRAY = re.compile(
    r"^(?:(?:api|selectors|services|urls|views|forms|permissions|transitions)_\w+"
    r"|\w+_(?:api|urls|views|selectors|services|access))\.py$"
)


def layers() -> list[list[str]]:
    """The layer order of docs/architecture.md: bottom first, apps on one line share a layer."""
    text = ARCHITECTURE_MD.read_text(encoding="utf-8")
    block = re.search(r"<!-- layers:begin -->\n```\n(.*?)```\n<!-- layers:end -->", text, re.S)
    assert block, "docs/architecture.md has lost its layers block"
    out = []
    for line in block.group(1).splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            out.append(line.split())
    return out


def rank() -> dict[str, int]:
    return {app: i for i, row in enumerate(layers()) for app in row}


def apps() -> list[str]:
    return sorted(p.name for p in GONGZHI.iterdir() if p.is_dir() and p.name not in HARNESSES | NOT_CODE)


def code_files(app: str) -> Iterator[Path]:
    """An app's own code: everything but its tests and migrations."""
    for path in sorted((GONGZHI / app).rglob("*.py")):
        parts = path.relative_to(GONGZHI / app).parts
        if "tests" in parts or "migrations" in parts or path.name == "conftest.py":
            continue
        yield path


def imports(path: Path, *, top_level_only: bool = False) -> Iterator[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    nodes = tree.body if top_level_only else ast.walk(tree)
    for node in nodes:
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.lineno, node.module
            for alias in node.names:
                yield node.lineno, f"{node.module}.{alias.name}"


def rel(path: Path) -> str:
    return str(path.relative_to(ROOT))


def test_every_app_has_its_place_in_the_layer_order():
    order = rank()
    assert sorted(order) == apps(), (
        "docs/architecture.md's layers block and the apps of gongzhi/ differ: "
        f"missing there {sorted(set(apps()) - set(order))}, stale there {sorted(set(order) - set(apps()))}"
    )
    installed = [a.split(".", 1)[1] for a in settings.INSTALLED_APPS if a.startswith("gongzhi.")]
    assert sorted(installed) == apps()
    assert [order[a] for a in installed] == sorted(order[a] for a in installed), (
        "INSTALLED_APPS lists the apps in the layer order of docs/architecture.md"
    )


def test_no_app_imports_an_app_above_it_or_a_harness():
    order = rank()
    found = []
    for app in apps():
        for path in code_files(app):
            for line, module in imports(path):
                if module.startswith("config"):
                    target = "config"
                elif module.startswith("gongzhi."):
                    target = module.split(".")[1]
                else:
                    continue
                if target == app:
                    continue
                if target in HARNESSES or target == "config":
                    if app != "authz":  # the harness above every app mounts config.api
                        found.append(f"{rel(path)}:{line} imports {module} (a harness or config)")
                elif target in order and order[target] > order[app]:
                    found.append(f"{rel(path)}:{line} imports {module}: {target} is above {app}")
                elif target in order and order[target] == order[app]:
                    found.append(f"{rel(path)}:{line} imports {module}: {target} is beside {app}")
    assert found == [], "imports must point down the layer order:\n" + "\n".join(sorted(set(found)))


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def test_no_import_circles_between_modules():
    """Module-level imports form no cycle (a cycle makes import order matter and hides a layering bug)."""
    modules = {_module_name(p): p for p in sorted(GONGZHI.rglob("*.py")) if "migrations" not in p.parts}
    graph: dict[str, set[str]] = defaultdict(set)
    for name, path in modules.items():
        for _line, module in imports(path, top_level_only=True):
            if module in modules and module != name:
                graph[name].add(module)
    cycles = _cycles(graph)
    assert cycles == [], "import circles:\n" + "\n".join(" → ".join(c) for c in cycles)


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    out: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                out.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return out


def test_every_app_follows_the_app_shape():
    found = []
    for app in apps():
        domain = DOMAIN_MODULES.get(app, {})
        for entry in sorted((GONGZHI / app).iterdir()):
            name = entry.stem if entry.suffix == ".py" else entry.name
            if entry.suffix not in ("", ".py") or name.startswith("."):
                continue
            if STRAY.match(entry.name) and entry.name != "h5_urls.py":
                found.append(f"gongzhi/{app}/{entry.name}: a sibling with a suffix; make the layer a package")
            elif name not in SHAPE and name not in domain:
                found.append(
                    f"gongzhi/{app}/{entry.name}: not in the app shape (docs/architecture.md); "
                    "put it in its layer, or list it in DOMAIN_MODULES with its reason"
                )
        for layer in LAYERS_AS_MODULES:
            path = GONGZHI / app / f"{layer}.py"
            if path.exists():
                lines = len(path.read_text(encoding="utf-8").splitlines())
                if lines > LAYER_MAX_LINES:
                    found.append(f"gongzhi/{app}/{layer}.py: {lines} lines; make it a package by sub-domain")
        for sub in ("views", "api", "services", "selectors"):
            package = GONGZHI / app / sub
            if package.is_dir():
                for module in package.glob("*.py"):
                    if STRAY.match(module.name) and module.name != "__init__.py":
                        found.append(f"{rel(module)}: name modules of a layer by sub-domain only")
                    lines = len(module.read_text(encoding="utf-8").splitlines())
                    if lines > LAYER_MAX_LINES:
                        found.append(f"{rel(module)}: {lines} lines; split the sub-domain by meaning")
    assert found == [], "\n".join(found)


def test_one_check_move_and_transitions_are_data():
    found = []
    for path in sorted(GONGZHI.rglob("*.py")):
        if "migrations" in path.parts or "tests" in path.parts:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.FunctionDef)
                and node.name == "check_move"
                and path != GONGZHI / "core" / "workflow.py"
            ):
                found.append(f"{rel(path)}:{node.lineno} defines check_move; use gongzhi.core.workflow")
        if path.name == "transitions.py":
            for node in tree.body:
                if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
                    found.append(f"{rel(path)}:{node.lineno} {node.name}: transitions.py holds data only")
            if "Workflow" not in path.read_text(encoding="utf-8"):
                found.append(f"{rel(path)}: declares no Workflow")
    assert found == [], "\n".join(found)


def _role_set_literal(node: ast.AST) -> bool:
    """A frozenset/set literal naming roles, e.g. frozenset({Role.GRID_WORKER, Role.GRID_HEAD})."""
    text = ast.unparse(node)
    return "Role." in text and ("frozenset(" in text or text.startswith("{"))


def test_role_sets_are_named_once_in_core_roles():
    found = []
    for path in sorted(GONGZHI.rglob("*.py")):
        if path == GONGZHI / "core" / "roles.py" or {"migrations", "tests", "authz", "testing"} & set(
            path.parts
        ):
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in tree.body:
            if (
                isinstance(node, (ast.Assign, ast.AnnAssign))
                and node.value is not None
                and _role_set_literal(node.value)
            ):
                found.append(f"{rel(path)}:{node.lineno}: a role set; name it in gongzhi/core/roles.py")
    assert found == [], "\n".join(found)


def _public_functions(path: Path) -> Iterator[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.FunctionDef) and not node.name.startswith("_"):
            yield node.name


def test_service_and_selector_names_are_unique_across_the_project():
    """``team_member_add`` in two apps is two things under one name: every public service and selector
    function has a name of its own (by the glossary: ``volunteer_team_member_add``)."""
    where: dict[str, list[str]] = defaultdict(list)
    for app in apps():
        for layer in ("services", "selectors", "permissions"):
            paths = [GONGZHI / app / f"{layer}.py", *sorted((GONGZHI / app / layer).glob("*.py"))]
            for path in paths:
                if path.exists() and path.name != "__init__.py":
                    for name in _public_functions(path):
                        where[name].append(rel(path))
    clashes = {name: paths for name, paths in where.items() if len(paths) > 1}
    assert clashes == {}, "\n".join(f"{n}: {', '.join(p)}" for n, p in sorted(clashes.items()))


def test_every_listed_domain_module_exists():
    """DOMAIN_MODULES stays true: a module that moved into a layer leaves the list."""
    stale = [
        f"{app}.{name}"
        for app, names in DOMAIN_MODULES.items()
        for name in names
        if not ((GONGZHI / app / f"{name}.py").exists() or (GONGZHI / app / name).is_dir())
    ]
    assert stale == [], f"listed in DOMAIN_MODULES but gone: {stale}"


def test_every_app_with_models_says_who_may_do_what():
    """An app that stores rows has a permissions.py: who may read or change them is answered in one place."""
    from django.apps import apps as registry

    missing = [
        app
        for app in apps()
        if any(not m._meta.abstract for m in registry.get_app_config(app).get_models())
        and not (GONGZHI / app / "permissions.py").exists()
    ]
    assert missing == [], f"apps with models but no permissions.py: {missing}"
