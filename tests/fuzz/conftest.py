"""The fuzz tests run only from `make fuzz`, which sets FUZZ_SECONDS; `make test` skips them."""

from __future__ import annotations

import os

if not os.environ.get("FUZZ_SECONDS"):
    collect_ignore_glob = ["test_*.py"]
