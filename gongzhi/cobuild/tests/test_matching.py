"""The fit, suggestions and the yearly plan on hand-made cases, and the plan against greedy matching."""

from __future__ import annotations

from bench.cobuild_plan import synthetic
from gongzhi.cobuild import matching as m

C1, C2 = "370115001001", "370115001002"


def need(i: int, category: str = "medical", community: str = C1, schedule: int = 0, **kw) -> m.NeedPoint:
    return m.NeedPoint(
        id=i, category=category, community_code=community, lng=117.10, lat=36.98, schedule=schedule, **kw
    )


def res(j: int, categories=("medical",), community: str = C1, capacity: int = 1, **kw) -> m.ResourcePoint:
    kw.setdefault("lng", 117.10)
    kw.setdefault("lat", 36.98)
    return m.ResourcePoint(
        id=j, categories=frozenset(categories), community_code=community, capacity=capacity, **kw
    )


def test_fit_reasons_name_category_place_and_time():
    f = m.fit(need(1, schedule=m.MASK_678), res(1, schedule=m.MASK_678), "医疗健康")
    assert f is not None and f.score == 100.0
    assert f.reasons[0] == "类别对口：能提供“医疗健康”"
    assert f.reasons[1] == "服务本社区"
    assert f.reasons[2].startswith("时间吻合")


def test_general_service_fits_at_half_weight_and_wrong_category_not_at_all():
    assert m.fit(need(1), res(1, categories=("general",))).score == 75.0  # type: ignore[union-attr]
    assert m.fit(need(1), res(1, categories=("legal",))) is None


def test_distance_outside_radius_and_no_shared_slot_are_no_candidates():
    far = res(1, community=C2, lng=117.20, lat=36.98, radius_km=2.0)  # ~8.9 km away
    assert m.fit(need(1), far) is None
    near = res(2, community=C2, lng=117.11, lat=36.98, radius_km=2.0)  # ~0.9 km away
    f = m.fit(need(1), near)
    assert f is not None and 80 < f.score < 100 and "距离约0.9公里" in f.reasons[1]
    weekday = m.mask_of([(0, 0)])
    assert m.fit(need(1, schedule=weekday), res(3, schedule=m.MASK_678)) is None


def test_suggestions_rank_and_skip_exhausted_and_unfitting():
    resources = [
        res(1, capacity=0),  # capacity exhausted
        res(2, categories=("legal",)),  # no fitting category
        res(3, categories=("general",), capacity=5),
        res(4, capacity=2),
    ]
    out = m.suggestions(need(1), resources)
    assert [s.resource_id for s in out] == [4, 3]
    assert out[0].reasons[-1] == "剩余可承接2项"


def test_no_fitting_resource_gives_no_suggestion_and_no_plan_row():
    assert m.suggestions(need(1, category="funds"), [res(1)]) == []
    plan = m.plan_matching([need(1, category="funds")], [res(1)])
    assert plan.pairs == [] and plan.total_fit == 0


def test_capacity_is_respected_by_the_plan():
    needs = [need(i) for i in range(1, 5)]
    plan = m.plan_matching(needs, [res(1, capacity=2)])
    assert len(plan.pairs) == 2 and {p[1] for p in plan.pairs} == {1}


def test_two_needs_competing_for_one_resource_plan_beats_greedy():
    # Need 1 fits both resources (R1 best); need 2 only R1. Greedy gives R1 to need 1 and leaves need 2
    # without; the plan sends need 1 to R2 and need 2 to R1.
    needs = [need(1), need(2, schedule=m.mask_of([(5, 0)]))]
    r1 = res(1, schedule=m.ALL_SLOTS)
    r2 = res(2, community=C2, lng=117.11, lat=36.98, radius_km=3.0, schedule=m.WEEKDAY_DAYTIME)
    plan = m.plan_matching(needs, [r1, r2])
    greedy = m.greedy_matching(needs, [r1, r2])
    assert sorted((n, r) for n, r, _ in plan.pairs) == [(1, 2), (2, 1)]
    assert [(n, r) for n, r, _ in greedy.pairs] == [(1, 1)]
    assert plan.total_fit > greedy.total_fit


def test_plan_beats_greedy_on_a_generated_case():
    needs, resources = synthetic(600, 300, seed=3)
    plan = m.plan_matching(needs, resources)
    greedy = m.greedy_matching(needs, resources)
    print(f"plan_total={plan.total_fit} greedy_total={greedy.total_fit}")
    assert plan.total_fit >= greedy.total_fit
    assert plan.total_fit > greedy.total_fit  # on this case the plan is strictly better
    used: dict[int, int] = {}
    for _n, r, _ in plan.pairs:
        used[r] = used.get(r, 0) + 1
    caps = {r.id: r.capacity for r in resources}
    assert all(used[r] <= caps[r] for r in used)
    assert len({n for n, _r, _ in plan.pairs}) == len(plan.pairs)


def test_describe_mask():
    assert m.describe_mask(0) == "不限时间"
    assert m.describe_mask(m.MASK_678).startswith("“678”")
    assert m.describe_mask(m.mask_of([(2, 0), (2, 1), (2, 2)])) == "周三全天"
