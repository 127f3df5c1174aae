"""Run every benchmark (``make bench``); each writes benchmarks/results/<name>.json.

Pass ``--quick`` for a small run of each. Benchmarks run one after another in fresh processes so
peak-memory figures do not mix.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
BENCHES = ["deid_text", "deid_dicom", "fairness", "dp_overhead", "ehr_sft", "imaging", "scale"]


def main(argv: list[str]) -> int:
    extra = [a for a in argv if a.startswith("--")]
    only = [a for a in argv if not a.startswith("--")] or BENCHES
    failed = []
    for name in only:
        script = HERE / f"{name}.py"
        if not script.exists():
            print(f"[skip] {name}: no script")
            continue
        t0 = time.perf_counter()
        print(f"=== {name} ===", flush=True)
        rc = subprocess.call([sys.executable, str(script), *extra])
        print(f"=== {name}: rc={rc} in {time.perf_counter() - t0:.0f} s", flush=True)
        if rc:
            failed.append(name)
    if failed:
        print("failed:", ", ".join(failed))
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
