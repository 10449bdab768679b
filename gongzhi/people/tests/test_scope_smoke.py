import json

from gongzhi.testing import PASSWORD


def login(client, username):
    r = client.post(
        "/api/v1/auth/login",
        json.dumps({"username": username, "password": PASSWORD}),
        content_type="application/json",
    )
    assert r.status_code == 200, r.content
    return r.json()


def test_grid_worker_sees_only_own_grid(district, client):
    login(client, "grid_worker")
    r = client.get("/api/v1/persons?limit=200")
    assert r.status_code == 200
    codes = {p["grid_code"] for p in r.json()["items"]}
    assert codes == {district.grids["g1"].code}


def test_overview(district, client):
    r = client.get("/api/v1/overview")
    assert r.json() == {
        "communities": 3,
        "grids": {"residential": 4, "reserved": 0, "dedicated": 0},
        "households": 12,
        "persons": 24,
        "party": {
            "branches_independent": 0,
            "branches_joint": 0,
            "grids_in_joint_branches": 0,
            "residential_grids_covered": 0,
            "units_registered": 0,
            "members_registered": 0,
            "members_community_managed": 0,
            "transfers_in": 0,
        },
        "tickets": {
            "this_year_by_status": {},
            "this_year_total": 0,
            "on_time_rate": {"value": None, "numerator": 0, "denominator": 0},
            "satisfaction_rate": {"value": None, "numerator": 0, "denominator": 0},
            "closure_rate": {"value": None, "numerator": 0, "denominator": 0},
        },
        "cobuild": {
            "volunteer_teams": 0,
            "projects_signed": 0,
            "activities_held": 0,
            "needs_fulfilled": 0,
            "service_hours": 0.0,
        },
        "care": {"people_in_care_groups": 0, "visits_this_month": 0, "visits_overdue": 0},
        "mediation": {
            "committees": 0,
            "rooms": 0,
            "cases_this_year": 0,
            "agreements": 0,
            "success_rate": {"value": None, "numerator": 0, "denominator": 0},
            "warnings_open": 0,
        },
        # 12 households, no venue yet: none within 15 minutes of one
        "venues": {"venues": 0, "bookings_this_month": 0, "households_within_15_minutes_share": 0.0},
        "training": {"sessions_this_year": 0, "trainees": 0, "licensed_social_workers": 0},
        "points": {
            "rules": 0,
            "households_with_points": 0,
            "points_awarded_this_year": 0,
            "points_redeemed_this_year": 0,
            "shop_items": 0,
        },
        "devices": {"devices": 0, "offline": 0, "events_this_month": 0, "tickets_from_devices": 0},
        "routing": {"suggestions": 0, "accepted_without_change_share": None},
        "social_organizations": {
            "organizations": 0,
            "incubated": 0,
            "funded_projects": 0,
            "funds_yuan": 0.0,
            "licensed_social_workers": 0,
        },
        "stairwells": {"stairwells": 0, "named": 0},
        "campaigns": {"campaigns_this_year": 0, "findings": 0, "findings_to_tickets": 0},
        "resettlement": {"projects": 0, "flats": 0, "allocated": 0},
        "councils": {
            "councils": 0,
            "topics_resolved": 0,
            "resolutions_done": 0,
            "proposals": 0,
            "appointment_sessions": 0,
            "appointment_demands_solved": 0,
        },
        "property": {"companies": 0, "owners_committees": 0, "tongxinqiao_branches": 0, "estates_covered": 0},
    }
