"""The newer modules of the city (bench/city.py): rows for every figure the cockpit counts and every layer of
the one-map, at volumes proportional to the demo district, written through ``city_load``'s ``Sink``
(COPY on PostgreSQL, ``executemany`` on SQLite).

    python -m bench.city ...                      # generate(): a step "modules" after the tickets
    python -m bench.city --resume-modules --db gz_city [--pg …] | --sqlite [--sqlite-path …]

What the city already holds is read back from its database (districts, subdistricts, communities and
grids with their codes and ids, the households with their grid, the persons' id range and the persons
drawn, the staff accounts by role and place), so the same code adds the modules to a city generated
earlier and kept. A city that already has rows in any table written here is refused with the tables
named, not doubled. Ids are 1 … n per table (the tables are empty) and the sequences are moved past them;
no audit rows (the bench loads a city's state, not its history, as city_load does).

Volumes. The demo district (``seed_demo --scale 1``: 16 communities, 247 grids of which 147 residential,
3 subdistricts, about 58,800 households and 161,700 persons — 2.75 persons a household, measured on the
demo's population generator; what it makes per community was counted on a ``--scale 0.01`` seed, what
depends on its population read from gongzhi/demo/) is the yardstick. What the demo makes as district
totals is scaled by persons (spread over the communities by their households), what it makes per
community, subdistrict, grid or household by those. At scale 1 (10,000,000 persons, 3,500,000
households, 20,000 grids, 2,016 communities, 144 subdistricts, 12 districts) — measured at scale 0.02 on
PostgreSQL and multiplied out; every district gets one of each at least, so every figure has a value.

Each module of the package writes a group of domains and gives its table of tables, ratios and rows at
scale 1 in its docstring:

    held.py                             what the city holds, read back from its database
    writer.py                           the Writer, and the helpers every module shares
    basis.py                            the residents drawn; estates and buildings
    care_party.py                       care; party organisations, units and members
    lists_volunteers.py                 volunteers and social organisations; needs, resources, projects
    councils_property_mediation.py      councils and 书记有约; property; mediation
    points.py                           the points ledger
    venues_training_devices.py          venues and bookings; training; devices
    stairwells_campaigns.py             stairwells; campaigns

About 6.7 M rows at scale 1. At scale 0.02 (200,000 persons) the step writes 158,000 rows in 12–17 s on
PostgreSQL, on a 2-core machine at load 6–7 (5–8 s reading, generating and copying, the rest rebuilding
the dropped indexes and ANALYZE): 5–15 minutes at scale 1 by that measure.

Left out (no cockpit figure reads them): care visits of the 慰问 register, service posts and records of
in-service members, matching plans, council members, votes and minutes, disputants and mediators, the
points shop, venue inspections, training attendance and certificates, stairwell inspections and captains,
campaign findings, contests and funded projects. The ticket figures (tickets_overdue, red_cards) and
layers are the ticket generator's: an open red card needs a ticket still being handled two limits past
its deadline, which a small city's few open tickets may not have.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable

from bench.city_load import PgSink, Sink, set_sequences
from bench.city_modules import (
    basis,
    care_party,
    councils_property_mediation,
    lists_volunteers,
    points,
    stairwells_campaigns,
    venues_training_devices,
)
from bench.city_modules.held import City, fetch, read_city
from bench.city_modules.writer import Writer

__all__ = [
    "BIG",
    "STEPS",
    "TABLES",
    "City",
    "ModulesPresent",
    "Writer",
    "load_modules",
    "present",
    "read_city",
]

# Every table written here (the refusal looks at them): parents before children.
TABLES = [
    "places_estate", "places_building",
    "care_caremembership", "care_visit",
    "party_partyorganization", "party_partyorganization_grids", "party_unit", "party_partymember",
    "party_memberregistration",
    "volunteers_socialorganization", "socialorgs_organizationprofile", "volunteers_volunteerteam",
    "volunteers_volunteer", "volunteers_teammembership", "volunteers_activity", "volunteers_activitysession",
    "volunteers_signup", "volunteers_attendance", "volunteers_servicehours",
    "cobuild_need", "cobuild_resource", "cobuild_project", "cobuild_projectneed", "cobuild_projectresource",
    "councils_council", "councils_topic", "councils_meeting", "councils_resolution",
    "councils_resolutionmilestone", "councils_appointmentplace", "councils_appointmentsession",
    "property_propertycompany", "property_estateservice", "property_propertyrating",
    "mediation_committee", "mediation_room", "mediation_case", "mediation_disputewarning",
    "points_pointrule", "points_account", "points_ledgerhead", "points_reviewmeeting", "points_posting",
    "points_leg", "points_claim",
    "venues_venue", "venues_booking",
    "training_trainingplan", "training_course", "training_trainingsession", "training_trainee",
    "devices_platform", "devices_device", "devices_incident", "devices_deviceevent",
    "stairwells_stairwell",
    "campaigns_campaign", "campaigns_campaign_departments",
]  # fmt: skip
# Tables whose secondary indexes are dropped for the COPY and built again after it (PostgreSQL).
BIG = [
    "care_caremembership", "care_visit", "party_partymember", "party_memberregistration",
    "volunteers_signup", "volunteers_attendance", "volunteers_servicehours", "property_propertyrating",
    "venues_booking", "stairwells_stairwell", "places_building",
]  # fmt: skip


# The order they are written in: what a step reads from the writer, an earlier step has filled.
STEPS: list[tuple[str, Callable[[Writer], None]]] = [
    ("persons drawn", basis.draw_persons),
    ("estates and buildings", basis.estates_and_buildings),
    ("care", care_party.care),
    ("party", care_party.party),
    ("volunteers and social organisations", lists_volunteers.volunteers),
    ("cobuild", lists_volunteers.cobuild),
    ("councils", councils_property_mediation.councils),
    ("property", councils_property_mediation.property_companies),
    ("venues", venues_training_devices.venues_and_bookings),
    ("mediation", councils_property_mediation.mediation),
    ("points", points.points),
    ("training", venues_training_devices.training),
    ("devices", venues_training_devices.devices),
    ("stairwells", stairwells_campaigns.stairwells),
    ("campaigns", stairwells_campaigns.campaigns),
]


def write(w: Writer) -> None:
    """Every step in turn, each logged with its rows and seconds."""
    for name, fn in STEPS:
        t = time.perf_counter()
        before = sum(w.rows.values())
        fn(w)
        w.log(f"  modules: {name}: {sum(w.rows.values()) - before:,} rows ({time.perf_counter() - t:.1f} s)")


class ModulesPresent(RuntimeError):
    pass


def present(sink: Sink) -> dict[str, int]:
    """The tables written here that already hold rows: {table: rows}."""
    out = {}
    for t in TABLES:
        (n,) = fetch(sink, f"SELECT COUNT(*) FROM (SELECT 1 FROM {t} LIMIT 1) x")[0]
        if n:
            (n,) = fetch(sink, f"SELECT COUNT(*) FROM {t}")[0]
            out[t] = int(n)
    return out


def load_modules(
    sink: Sink, now: dt.datetime, seed: int = 1, log: Callable[[str], None] = print
) -> dict[str, int]:
    """Writes every module's rows into the city in ``sink``'s database; returns {table: rows}. Refuses
    (``ModulesPresent``) when any of the tables already holds rows."""
    from bench.city_load import drop_indexes

    found = present(sink)
    if found:
        listed = ", ".join(f"{t} ({n:,})" for t, n in list(found.items())[:6])
        raise ModulesPresent(
            f"the city already has module rows: {listed}{' …' if len(found) > 6 else ''}; "
            "nothing written (generate a new city to load them again)"
        )
    city = read_city(sink, now, log)
    w = Writer(sink, city, seed, log)
    ddl = drop_indexes(sink, BIG)
    write(w)
    t = time.perf_counter()
    for sql in ddl:
        sink.execute(sql)
    set_sequences(sink, TABLES)
    if isinstance(sink, PgSink):
        for table in TABLES:
            sink.execute(f"ANALYZE {table}")
    else:
        sink.execute("ANALYZE")
    log(f"  modules: indexes, sequences and statistics ({time.perf_counter() - t:.1f} s)")
    return {f"modules.{k}": v for k, v in w.rows.items()}
