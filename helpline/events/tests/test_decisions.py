"""once_per_batch: shared answers and gathered work, done once as the batch ends."""

import logging

import pytest

from helpline.events.decisions import batching, decide, gather, once_per_batch


def test_outside_a_batch_nothing_is_gathered_and_every_decision_is_computed():
    calls = []
    assert gather(calls.append, 1) is False
    assert calls == []
    assert batching() is False
    answers = [decide("key", lambda: len(calls.append("computed") or calls)) for _ in range(2)]
    assert answers == [1, 2]


def test_gathered_items_reach_their_handler_once_in_order_when_the_batch_ends():
    handled = []
    with once_per_batch():
        assert batching() is True
        for item in (3, 1, 2):
            assert gather(handled.append, item) is True
        assert handled == []  # nothing yet: the batch is still open
    assert handled == [[3, 1, 2]]


def test_a_decision_is_computed_once_per_key_in_a_batch():
    computed = []

    def compute(value):
        computed.append(value)
        return value * 10

    with once_per_batch():
        assert [decide(("k", 1), lambda: compute(1)) for _ in range(3)] == [10, 10, 10]
        assert decide(("k", 2), lambda: compute(2)) == 20
    assert computed == [1, 2]
    assert decide(("k", 1), lambda: compute(1)) == 10  # a new batch (or none) asks again
    assert computed == [1, 2, 1]


def test_a_handler_may_gather_for_another_and_a_failing_one_stops_no_other(caplog):
    seen = []

    def second(items):
        seen.append(("second", items))

    def first(items):
        seen.append(("first", items))
        gather(second, sum(items))

    def broken(items):
        raise RuntimeError("boom")

    with caplog.at_level(logging.ERROR, logger="helpline.events.decisions"), once_per_batch():
        gather(broken, "x")
        gather(first, 1)
        gather(first, 2)
    assert seen == [("first", [1, 2]), ("second", [3])]
    assert "batched test_a_handler_may_gather_for_another_and_a_failing_one_stops_no_other.<locals>.broken" in (
        caplog.text
    )


def test_the_gathered_work_still_runs_when_the_block_ends_with_an_error():
    """What was gathered came from after-commit hooks: it is about committed changes."""
    handled = []
    with pytest.raises(ValueError), once_per_batch():
        gather(handled.append, "committed")
        raise ValueError("a later chunk failed")
    assert handled == [["committed"]]
    assert batching() is False
