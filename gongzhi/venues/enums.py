"""Kinds of venue (服务阵地), the standards checklist, who books and what a booking is for."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop


class VenueKind(models.TextChoices):
    SERVICE_CENTRE = "service_centre", _("党群服务中心")
    STATION_678 = "station_678", _("党员驿站")
    GRID_STATION = "grid_station", _("网格工作站")
    MEDIATION_ROOM = "mediation_room", _("调解室")
    CONSULTATION_ROOM = "consultation_room", _("商量工作室")
    TALK_POINT = "talk_point", _("居民说事点")
    CONVENIENCE_STATION = "convenience_station", _("便民服务站")
    LANE_HOME = "lane_home", _("小巷之家")
    OTHER = "other", _("其他阵地")


# The standards checklist of a venue (标准化建设): what an inspection looks at.
class StandardItem(models.TextChoices):
    SIGNBOARD = "signboard", _("标牌")
    FUNCTION_AREAS = "function_areas", _("功能区")
    DISPLAY_BOARDS = "display_boards", _("版面")
    EQUIPMENT = "equipment", _("设备")
    PROCESS_ON_WALL = "process_on_wall", _("流程上墙")
    DUTIES_ON_WALL = "duties_on_wall", _("职责上墙")
    STRUCTURE_ON_WALL = "structure_on_wall", _("架构上墙")


class BookerKind(models.TextChoices):
    STAFF = "staff", _("工作人员")
    UNIT = "unit", _("驻区单位")
    TEAM = "team", _("志愿服务队/社会组织")
    RESIDENT = "resident", _("居民")


class BookingStatus(models.TextChoices):
    CONFIRMED = "confirmed", _("已预约")
    CANCELLED = "cancelled", _("已取消")


class LinkKind(models.TextChoices):
    NONE = "", _("无")
    ACTIVITY = "activity", _("志愿服务/共建活动")
    MEETING = "meeting", _("会议/议事")
    TRAINING = "training", _("培训")
    MEDIATION = "mediation", _("调解")


# The services a venue may offer (a venue may add its own words too).
SERVICES = [
    gettext_noop("政务代办"),
    gettext_noop("党员教育"),
    gettext_noop("议事协商"),
    gettext_noop("矛盾调解"),
    gettext_noop("志愿服务"),
    gettext_noop("文体活动"),
    gettext_noop("养老助餐"),
    gettext_noop("儿童托管"),
    gettext_noop("法律咨询"),
    gettext_noop("饮水休息"),
    gettext_noop("充电应急"),
    gettext_noop("图书阅览"),
]
