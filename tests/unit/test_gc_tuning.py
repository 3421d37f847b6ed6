"""The web node's collector settings (plenary.gc_tuning), checked in a fresh interpreter so
the test process keeps its own."""

import json
import subprocess
import sys

from plenary.gc_tuning import MIDDLE_THRESHOLD, OLD_THRESHOLD, YOUNG_THRESHOLD

PROBE = """
import gc, json
import plenary.models  # what start-up imports: it must end up frozen
before = gc.get_freeze_count()
from plenary.gc_tuning import tune_for_long_lived_connections
tune_for_long_lived_connections()
print(json.dumps({"before": before, "frozen": gc.get_freeze_count(),
                  "threshold": gc.get_threshold(), "enabled": gc.isenabled()}))
"""


def test_tuning_freezes_startup_objects_and_raises_the_thresholds():
    done = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True,
                          check=True)  # fmt: skip
    found = json.loads(done.stdout.strip().splitlines()[-1])
    assert found["before"] == 0
    assert found["frozen"] > 20_000  # SQLAlchemy and the models alone: ~59,000
    assert found["threshold"] == [YOUNG_THRESHOLD, MIDDLE_THRESHOLD, OLD_THRESHOLD]
    assert found["enabled"] is True
