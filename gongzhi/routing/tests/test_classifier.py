"""The classifier, the normalisation and the duplicate score as pure functions (no database)."""

from __future__ import annotations

from gongzhi.routing import classifier, dedup
from gongzhi.routing.normalise import normalise
from gongzhi.routing.taxonomy import BY_CODE, CLASSES, DEPARTMENT_TYPES, TOP_CLASSES


def test_the_taxonomy_is_the_issues():
    assert len(TOP_CLASSES) == 15 and TOP_CLASSES[-1] == "其他"
    assert len(DEPARTMENT_TYPES) == 16
    assert {c.top for c in CLASSES} == set(TOP_CLASSES)


def test_every_small_class_is_in_the_ticket_tree():
    from gongzhi.tickets.taxonomy import default_categories

    codes = {r["code"] for r in default_categories() if r["parent"]}
    assert set(BY_CODE) == codes


def test_normalise_traditional_phone_and_boilerplate():
    assert normalise("電梯裡有人推電動車，樓道漏水") == "电梯里有人推电动车,楼道漏水"
    out = normalise(
        "尊敬的领导：您好！现向您反映一个问题：楼道漏水，电话13812345678。本人要求尽快处理。此致敬礼！"
    )
    assert "13812345678" not in out and "尊敬" not in out and "此致" not in out
    assert "楼道漏水" in out


def test_suggestions_on_plain_texts():
    m = classifier.shipped_model()
    cases = {
        "楼上邻居半夜拖椅子，吵得睡不着": ("邻里纠纷", "grid", "社区"),
        "小区门口烧烤店油烟直排，熏得没法开窗": ("市容环境", "department", "生态环境"),
        "路口的井盖丢了一个，晚上很危险": ("公用设施", "department", "水务"),
        "工地晚上十一点还在打桩": ("施工管理", "department", "城管"),
        "有人把电动车推进电梯带回家充电": ("安全隐患", "grid", "社区"),
    }
    for text, (category, level, dept) in cases.items():
        s = m.suggest(text)
        assert (s.category, s.level, s.department_type) == (category, level, dept), text
        assert len(s.category_top3) == 3 and s.category_top3[0]["category"] == category
        assert 0 < s.confidence <= 1


def test_traditional_and_petition_voice_do_not_confuse_it():
    m = classifier.shipped_model()
    plain = m.suggest("暖气不热，家里只有十几度")
    trad = m.suggest("暖氣不熱，家裡只有十幾度")
    letter = m.suggest(
        "尊敬的领导：本人系和平里小区居民，现向您反映暖气不热的问题，家里只有十几度。本人要求尽快解决。此致敬礼"
    )
    assert plain.category == trad.category == letter.category == "公用设施"
    assert plain.code == trad.code == letter.code == "301010"


def test_a_model_survives_its_file():
    m = classifier.train(classifier.corpus_examples(per_class=5, seed=1))
    again = classifier.Model.loads(m.dumps())
    text = "路灯坏了不亮"
    assert again.suggest(text).as_json() == m.suggest(text).as_json()


def test_duplicate_score_keeps_same_place_different_problem_apart():
    m = classifier.shipped_model()

    def r(key: str, text: str) -> dedup.Report:
        return dedup.Report(key, text, code=m.suggest(text).code)

    same, _ = dedup.score(r("a", "3号楼楼道漏水好几天了"), r("b", "3号楼的楼道漏水好多天了"))
    other, _ = dedup.score(r("a", "3号楼楼道漏水好几天了"), r("b", "3号楼楼道灯不亮好几天了"))
    assert same >= dedup.THRESHOLD > other


def test_distance_and_household_weigh_in():
    a = dedup.Report("a", "门口垃圾没人清", code="201001", point=(117.1, 36.98), household_id=5)
    near = dedup.Report("b", "门口垃圾堆着没人清运", code="201001", point=(117.1001, 36.9801), household_id=5)
    far = dedup.Report("c", "门口垃圾堆着没人清运", code="201001", point=(117.2, 36.9))
    assert dedup.score(a, near)[0] > dedup.score(a, far)[0]
    assert dedup.score(a, far)[1]["distance_m"] > 1000


def test_similar_pairs_through_the_minhash_index():
    m = classifier.shipped_model()
    texts = ["3号楼楼道漏水好几天了", "小区门口共享单车乱停", "3号楼的楼道漏水好多天了", "路灯不亮"]
    reports = [dedup.Report(str(i), t, code=m.suggest(t).code) for i, t in enumerate(texts)]
    pairs = dedup.similar_pairs(reports)
    assert [(a, b) for a, b, _ in pairs] == [("0", "2")]
