"""Grouping the registry into distinct capability specifications, and the sample a run tries."""

from __future__ import annotations

from devices.registry import load_registry
from genie.coverage.specs import choose, group_products, registry_groups


def test_every_product_is_in_exactly_one_group_of_its_own_shape() -> None:
    registry = load_registry()
    groups = registry_groups(registry)
    assert sum(len(g.products) for g in groups) == len(registry.products)
    ids = [g.id for g in groups]
    assert len(set(ids)) == len(ids)
    for group in groups:
        for product in group.products:
            assert (product.category, product.specs, product.actions) == (group.category, group.specs, group.actions)


def test_a_narrower_range_is_a_specification_of_its_own() -> None:
    registry = load_registry()
    lights = [p for p in registry.products if p.category == "light" and "colorTemperature" in
              {s.name for s in p.specs}]
    ranges = {next(s for s in p.specs if s.name == "colorTemperature").min for p in lights}
    groups = group_products(lights)
    assert len(ranges) > 1
    assert len(groups) >= len(ranges)
    labels = " ".join(g.label for g in groups)
    assert "colorTemperature 1700-6500" in labels and "colorTemperature 2700-6500" in labels


def test_the_sample_is_one_product_per_specification_and_the_same_for_a_seed() -> None:
    groups = registry_groups(load_registry())
    first = choose(groups, 1, seed=5)
    assert [g.id for g, _ in first] == [g.id for g in groups]
    assert [(p.brand, p.model) for _, p in first] == [(p.brand, p.model) for _, p in choose(groups, 1, seed=5)]
    everything = choose(groups, None, seed=5)
    assert len(everything) == sum(len(g.products) for g in groups)
