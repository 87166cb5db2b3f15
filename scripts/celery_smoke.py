"""Start a real Celery worker on the configured Redis broker, send it a job, check the answer, stop it.

Run by .ci/run with DATABASE_URL and REDIS_URL set. Exits non-zero (with the worker's log) on failure.
"""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "reform.settings")


def main() -> int:
    if not os.environ.get("REDIS_URL"):
        print("celery smoke: REDIS_URL is not set; a real broker is required", file=sys.stderr)
        return 1
    import django

    django.setup()
    from tasks.jobs import ping

    log = ROOT / "var" / "celery-smoke.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("w") as out:
        worker = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "reform",
                "worker",
                "--loglevel=INFO",
                "--concurrency=1",
                "--hostname=smoke@%h",
                "--without-gossip",
                "--without-mingle",
            ],
            cwd=ROOT,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        token = f"smoke-{os.getpid()}-{time.time():.0f}"
        result = ping.apply_async(args=[token])
        answer = result.get(timeout=60)
        if answer.get("echo") != token or not isinstance(answer.get("tasks"), int):
            print(f"celery smoke: unexpected answer {answer!r}", file=sys.stderr)
            return 1
        print(f"celery smoke: worker answered {answer!r} (job {result.id})")
        return 0
    except Exception as error:  # any failure here fails CI; show why
        print(f"celery smoke: FAILED: {error!r}", file=sys.stderr)
        print(log.read_text(), file=sys.stderr)
        return 1
    finally:
        worker.send_signal(signal.SIGTERM)
        try:
            worker.wait(timeout=30)
        except subprocess.TimeoutExpired:
            worker.kill()


if __name__ == "__main__":
    sys.exit(main())
