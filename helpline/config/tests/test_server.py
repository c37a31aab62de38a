"""The web node's process settings (helpline.config.server)."""

import gc

from helpline.config.server import tune_garbage_collector


def test_start_up_objects_are_frozen_and_young_collections_are_rarer():
    threshold = gc.get_threshold()
    try:
        gc.unfreeze()
        tune_garbage_collector()
        assert gc.get_threshold() == (20_000, 20, 20)
        assert gc.get_freeze_count() > 10_000  # Django, the apps, the test run: walked by no collection again
    finally:
        gc.unfreeze()
        gc.set_threshold(*threshold)
