"""Places services: the only code that writes the places app's models.

``places`` (the administrative tree, grids and their import, departments), ``households`` (estates,
buildings, households) and ``teams`` (a grid's "1+X+N" team).
"""

from gongzhi.places.services.households import (
    address_key,
    building_get_or_create,
    buildings_get_or_create,
    compose_address,
    estate_get_or_create,
    household_create,
    lock_addresses,
)
from gongzhi.places.services.places import (
    community_create,
    community_rename,
    department_create,
    department_update,
    district_create,
    district_rename,
    grid_create,
    grid_update,
    grids_import_geojson,
    subdistrict_create,
    subdistrict_rename,
    validate_grid_attributes,
    validate_grid_fields,
    validate_new_community_code,
    validate_new_district_code,
    validate_new_subdistrict_code,
)
from gongzhi.places.services.teams import (
    grid_team_member_add,
    grid_team_member_remove,
    grid_team_member_update,
)

__all__ = [
    "address_key",
    "building_get_or_create",
    "buildings_get_or_create",
    "community_create",
    "community_rename",
    "compose_address",
    "department_create",
    "department_update",
    "district_create",
    "district_rename",
    "estate_get_or_create",
    "grid_create",
    "grid_team_member_add",
    "grid_team_member_remove",
    "grid_team_member_update",
    "grid_update",
    "grids_import_geojson",
    "household_create",
    "lock_addresses",
    "subdistrict_create",
    "subdistrict_rename",
    "validate_grid_attributes",
    "validate_grid_fields",
    "validate_new_community_code",
    "validate_new_district_code",
    "validate_new_subdistrict_code",
]
