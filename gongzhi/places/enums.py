from django.db import models
from django.utils.translation import gettext_lazy as _

from gongzhi.core.codes import CommunityKind  # the one definition: a community's code decides its kind

__all__ = ["RESIDENTIAL_BAND", "CommunityKind", "DedicatedCover", "GridKind", "SubdistrictKind", "TeamRole"]


class SubdistrictKind(models.TextChoices):
    SUBDISTRICT = "subdistrict", _("街道")
    TOWN = "town", _("镇")
    TOWNSHIP = "township", _("乡")
    OTHER = "other", _("其他乡级单位")


class GridKind(models.TextChoices):
    RESIDENTIAL = "residential", _("居民网格")
    RESERVED = "reserved", _("预留网格")
    DEDICATED = "dedicated", _("专属网格")


class DedicatedCover(models.TextChoices):
    CAMPUS = "campus", _("园区/院区")
    OFFICE_BUILDING = "office_building", _("商务楼宇")
    MARKET = "market", _("商贸市场")
    HOSPITAL = "hospital", _("医院")
    SCHOOL = "school", _("学校")
    INDUSTRIAL_PARK = "industrial_park", _("工业园区")
    AGENCY = "agency", _("机关单位")
    SCENIC_AREA = "scenic_area", _("景区")
    OTHER = "other", _("其他")


class TeamRole(models.TextChoices):
    """The grid team, "1+X+N" plus the instructor and captains."""

    GRID_HEAD = "grid_head", _("网格长")
    GRID_WORKER = "grid_worker", _("专职网格员")
    PART_TIME_WORKER = "part_time_worker", _("兼职网格员")
    VOLUNTEER = "volunteer", _("党员志愿者")
    INSTRUCTOR = "instructor", _("网格指导员")
    BUILDING_CAPTAIN = "building_captain", _("楼长")
    STAIRWELL_CAPTAIN = "stairwell_captain", _("楼道长")


RESIDENTIAL_BAND = (300, 500)  # households per residential grid (300–500户)
