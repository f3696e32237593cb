"""gunicorn.conf.py: gunicorn started from the repository picks it up, and a worker freezes what it loaded."""
from __future__ import annotations

import gc
import re
import runpy
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_gunicorn_started_here_reads_the_file():
    gunicorn = Path(sys.executable).with_name("gunicorn")
    shown = subprocess.run([str(gunicorn), "--print-config", "portal:create_app()"], cwd=ROOT, capture_output=True,
                           text=True, timeout=60, check=True).stdout
    assert "./gunicorn.conf.py" in shown
    assert re.search(r"^post_worker_init\s+= <post_worker_init\(\)>$", shown, re.M)


def test_a_worker_takes_what_it_loaded_out_of_the_collectors_view():
    hook = runpy.run_path(str(ROOT / "gunicorn.conf.py"))["post_worker_init"]
    assert gc.get_freeze_count() == 0
    try:
        hook(None)
        assert gc.get_freeze_count() > 10_000  # the modules and the app of the test session
    finally:
        gc.unfreeze()
