"""The project's own training corpus, generated from the lexicon's phrases and templates written here:
residents' messages, call-takers' summaries, petition letters and grid workers' patrol notes about made-up
places. Deterministic for a seed. No third-party complaint text is used (their licences do not allow it).

The evaluation sample in ``bench/data/`` is written by hand and is NOT produced here."""

from __future__ import annotations

import random
from collections.abc import Iterator
from typing import NamedTuple

from gongzhi.routing.lexicon import LEXICON
from gongzhi.routing.taxonomy import BY_CODE

ESTATES = [
    "阳光花园",
    "银山",
    "和平里",
    "幸福家园",
    "翠湖苑",
    "建设新村",
    "东风小区",
    "锦绣华庭",
    "南湖名都",
    "学府花园",
    "金桥社区",
    "丰收路小区",
    "滨河湾",
    "绿城",
    "北苑",
    "电力宿舍",
    "铁路新村",
    "纺织厂家属院",
    "枫林晚",
    "望江楼",
]
ROADS = [
    "人民路",
    "解放路",
    "建设大街",
    "中山路",
    "滨江大道",
    "育才路",
    "胜利街",
    "光明路",
    "和平大街",
    "工业路",
    "文化路",
    "长江路",
]
DURATIONS = (
    "已经好几天了",
    "持续一个多月了",
    "从上周开始",
    "反映过很多次",
    "一直没人管",
    "每天都这样",
    "今天早上发现的",
    "好长时间了",
    "多次打电话没有解决",
    "最近特别严重",
    "",
)
IMPACTS = (
    "严重影响居民生活",
    "老人孩子都很害怕",
    "大家意见很大",
    "存在安全隐患",
    "影响出行",
    "晚上睡不着觉",
    "给周边群众带来很大不便",
    "",
)
REQUESTS = (
    "希望尽快处理",
    "请有关部门管一管",
    "麻烦派人来看看",
    "希望早日解决",
    "请相关部门核实处理",
    "盼尽快回复",
    "希望能彻底整治",
    "",
)


class Sample(NamedTuple):
    text: str
    code: str
    level: str
    department_type: str


def _place(rng: random.Random) -> str:
    estate = rng.choice(ESTATES)
    road = rng.choice(ROADS)
    return rng.choice(
        (
            f"{estate}小区{rng.randint(1, 30)}号楼",
            f"{estate}{rng.randint(1, 12)}栋{rng.randint(1, 6)}单元",
            f"{road}{rng.randint(1, 300)}号附近",
            f"{road}和{rng.choice(ROADS)}路口",
            f"{estate}小区门口",
            f"{estate}社区",
            "我们小区",
            "我家楼下",
            "",
        )
    )


def _keywords_phrase(rng: random.Random, keywords: list[str]) -> str:
    picked = rng.sample(keywords, k=min(len(keywords), rng.randint(2, 3)))
    return rng.choice(("{}的问题", "{}问题很严重", "{}没人管", "关于{}")).format("".join(picked[:2]))


def _sentence(rng: random.Random, phrase: str) -> str:
    place, duration = _place(rng), rng.choice(DURATIONS)
    impact, request = rng.choice(IMPACTS), rng.choice(REQUESTS)
    voice = rng.randrange(5)
    if voice == 0:  # a resident's message
        parts = [place + phrase, duration, impact, request]
    elif voice == 1:  # a call-taker's summary
        parts = [f"来电人反映{place}{phrase}", duration, f"来电人诉求：{request or '尽快处理'}"]
    elif voice == 2:  # a petition letter
        parts = [
            f"尊敬的领导您好，本人是{place or '本小区'}的居民，现向您反映{phrase}的问题",
            duration,
            impact,
            f"本人要求{request or '依法处理'}，此致敬礼",
        ]
    elif voice == 3:  # a grid worker's patrol note
        parts = [f"巡查发现{place}{phrase}", rng.choice(("已拍照上报", "已告知当事人", "需协调处置", ""))]
    else:  # short app report
        parts = [phrase]
    return "，".join(p for p in parts if p) + "。"


def generate(*, per_class: int = 60, seed: int = 24) -> Iterator[Sample]:
    rng = random.Random(seed)
    for code, (keywords_text, phrases_text) in sorted(LEXICON.items()):
        small = BY_CODE[code]
        phrases = [p for p in phrases_text.split("|") if p]
        keywords = keywords_text.split()
        for i in range(per_class):
            core = _keywords_phrase(rng, keywords) if i % 6 == 5 else rng.choice(phrases)
            yield Sample(_sentence(rng, core), code, small.level, small.department_type)
