"""The certificates benchmark runs end to end on its smallest setting and loses nothing.

`python -m bench certificates --smoke`: 20 people (two with an emoji in their name, so both
renderers are used), one run through a real `plenary worker` to the bench's SMTP sink. No
timing is asserted: only that every certificate was emailed exactly once, with its PDF.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_certificates_smoke_emails_every_certificate_once_with_its_pdf(tmp_path, fresh):
    env = {**os.environ, "BENCH_RESULTS": str(tmp_path),
           "BENCH_DATABASE_URL": fresh.settings.database_url,
           "BENCH_REDIS_URL": fresh.settings.effective_redis_url}  # fmt: skip
    done = subprocess.run(
        [sys.executable, "-m", "bench", "certificates", "--smoke"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    result = json.loads((tmp_path / "certificates-smoke.json").read_text())
    (run,) = result["runs"]
    assert run["certificates"] == 20 and result["nothing_lost"], run
    assert run["emails"] == run["distinct_keys"] == run["with_pdf"] == 20, run
    assert run["emailed_twice"] == 0, run
    assert set(run["renderers"]) == {"hybrid", "weasyprint"}, run["renderers"]
    assert sum(r["count"] for r in run["renderers"].values()) == 20
    assert run["worker_cpu_ms_per_certificate"] > 0, run
