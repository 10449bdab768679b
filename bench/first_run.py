"""The first ``make run`` on a fresh clone: seconds until the console's login page answers 200.

    python -m bench.first_run [--ref HEAD] [--port 8765] [--wait-built]

Clones ``--ref`` of this repository into a temporary folder, links the already installed ``.venv``,
``node_modules`` and built vendor assets (a clone would otherwise spend its first minutes in pip and npm,
which is the network, not Gongzhi), and runs ``make run`` with the install steps taken as done
(``make -o install -o assets``). Prints JSON: ``serving_seconds`` (the login page answered 200),
``logins_printed`` (``make run`` printed the demo logins by then) and, with ``--wait-built``,
``built_seconds`` (the demo district finished building in the background). Stops what it started.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=5) as r:  # noqa: S310 (loopback)
            return r.status, r.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as e:
        return e.code, ""
    except (OSError, urllib.error.URLError):
        return 0, ""


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--ref", default="HEAD")
    ap.add_argument("--port", type=int, default=8765)
    ap.add_argument("--timeout", type=float, default=900)
    ap.add_argument("--wait-built", action="store_true", help="also wait until the demo is fully built")
    args = ap.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="gz-first-run-"))
    clone = tmp / "gongzhi"
    subprocess.run(["git", "clone", "-q", str(ROOT), str(clone)], check=True)
    subprocess.run(["git", "-C", str(clone), "checkout", "-q", args.ref], check=True)
    real = ROOT / ".venv"
    os.symlink(real.resolve(), clone / ".venv")
    os.symlink((ROOT / "node_modules").resolve(), clone / "node_modules")
    os.symlink((ROOT / "gongzhi/static/vendor").resolve(), clone / "gongzhi/static/vendor")
    env = dict(os.environ, GONGZHI_VAR_DIR=str(tmp / "var"), PORT=str(args.port))
    env.pop("DATABASE_URL", None)
    env.pop("REDIS_URL", None)
    log = (tmp / "make-run.log").open("w")
    started = time.monotonic()
    proc = subprocess.Popen(
        ["make", "-o", "install", "-o", "assets", "run", f"PORT={args.port}"],
        cwd=clone,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    out: dict[str, object] = {"ref": args.ref, "clone": str(clone)}
    url = f"http://127.0.0.1:{args.port}"
    try:
        serving = None
        while time.monotonic() - started < args.timeout and proc.poll() is None:
            status, _ = _get(f"{url}/console/login/")
            if status == 200:
                serving = round(time.monotonic() - started, 1)
                break
            time.sleep(1)
        out["serving_seconds"] = serving
        out["logins_printed"] = "演示账号" in (tmp / "make-run.log").read_text("utf-8", "replace")
        if args.wait_built and serving is not None:
            built = None
            while time.monotonic() - started < args.timeout and proc.poll() is None:
                _, body = _get(f"{url}/console/login/")
                if body and "gz-demo-building" not in body:
                    built = round(time.monotonic() - started, 1)
                    break
                time.sleep(5)
            out["built_seconds"] = built
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
        log.close()
        out["log_tail"] = (tmp / "make-run.log").read_text("utf-8", "replace").splitlines()[-6:]
        if serving_ok(out):
            shutil.rmtree(tmp, ignore_errors=True)
    print(json.dumps(out, ensure_ascii=False, indent=1))
    sys.exit(0 if serving_ok(out) else 1)


def serving_ok(out: dict[str, object]) -> bool:
    return out.get("serving_seconds") is not None


if __name__ == "__main__":
    main()
