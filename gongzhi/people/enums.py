from typing import Any

from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _


class Relation(models.TextChoices):
    HEAD = "head", _("本人（户主）")
    SPOUSE = "spouse", _("配偶")
    CHILD = "child", _("子女")
    PARENT = "parent", _("父母")
    GRANDPARENT = "grandparent", _("祖父母/外祖父母")
    GRANDCHILD = "grandchild", _("孙子女/外孙子女")
    SIBLING = "sibling", _("兄弟姐妹")
    CHILD_IN_LAW = "child_in_law", _("儿媳/女婿")
    TENANT = "tenant", _("租户")
    OTHER = "other", _("其他")


class ResidenceType(models.TextChoices):
    REGISTERED = "registered", _("户籍人口")  # 户在人在 / 户在人不在
    RESIDENT = "resident", _("常住人口")  # lives here, registered elsewhere in the city
    MIGRANT = "migrant", _("流动人口")


class Gender(models.TextChoices):
    MALE = "male", _("男")
    FEMALE = "female", _("女")


class PersonTag(models.TextChoices):
    ELDERLY_ALONE = "elderly_alone", _("独居老人")
    EMPTY_NEST = "empty_nest", _("空巢老人")
    DISABLED = "disabled", _("残疾人")
    LOW_INCOME = "low_income", _("低保户")
    LEFT_BEHIND_CHILD = "left_behind_child", _("留守儿童")
    VETERAN = "veteran", _("退役军人")
    PARTY_MEMBER = "party_member", _("党员")
    SERIOUS_ILLNESS = "serious_illness", _("大病患者")
    VOLUNTEER = "volunteer", _("志愿者")


def _by_chinese_label(choices: list[tuple[str, Any]]) -> dict[str, str]:
    """Label → value as a clerk writes it in a sheet: Chinese, whatever language is active at import."""
    with translation.override("zh-hans"):
        return {str(label): value for value, label in choices}


TAG_BY_LABEL = _by_chinese_label(PersonTag.choices)
RELATION_BY_LABEL = _by_chinese_label(Relation.choices) | {
    "本人": Relation.HEAD,
    "户主": Relation.HEAD,
    "子": Relation.CHILD,
    "女": Relation.CHILD,
    "父亲": Relation.PARENT,
    "母亲": Relation.PARENT,
    "儿媳": Relation.CHILD_IN_LAW,
    "女婿": Relation.CHILD_IN_LAW,
}
RESIDENCE_BY_LABEL = _by_chinese_label(ResidenceType.choices) | {
    "户籍": ResidenceType.REGISTERED,
    "常住": ResidenceType.RESIDENT,
    "流动": ResidenceType.MIGRANT,
}


class ImportStatus(models.TextChoices):
    APPLIED = "applied", _("已导入")
    REJECTED = "rejected", _("未通过校验")
    CHECKED = "checked", _("校验通过（未写入）")  # a dry run that found no errors
