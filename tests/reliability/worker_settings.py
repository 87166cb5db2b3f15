"""Settings of the Celery workers that test_worker_killed.py starts: the real settings, with mail
written to files (to count every message sent) and a short visibility timeout (so that a job whose
worker was killed before acknowledging it is delivered again within seconds, not Redis' hour)."""

import os

from reform.settings import *  # noqa: F403

MAILERS = {
    "default": {
        "BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "OPTIONS": {"file_path": os.environ["RELIABILITY_MAIL_DIR"]},
    }
}
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": int(os.environ.get("RELIABILITY_VISIBILITY_TIMEOUT", "3")),
    # kombu's event loop sweeps for abandoned messages every interval x throttle seconds (10 x 10 by
    # default): every second here, so the redelivery shows within the test's wait.
    "unacked_restore_interval": 1,
    "unacked_restore_throttle": 1,
}
# A queue of the test's own, so that no other worker on the same Redis takes its jobs.
CELERY_TASK_DEFAULT_QUEUE = os.environ["RELIABILITY_QUEUE"]
