"""Settings for the test suite: the real settings, with a test key and fast hashing."""

import atexit
import os
import shutil
import tempfile

os.environ.setdefault("SECRET_KEY", "test-suite-only-insecure-key")

from reform.settings import *  # noqa: E402, F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MEDIA_ROOT = tempfile.mkdtemp(prefix="reform-test-media-")
# Jobs run in-process in the suite; .ci/run proves a real worker separately.
CELERY_TASK_ALWAYS_EAGER = True
# Whatever the environment: the warm-up's tests expect it, and with no dashboard viewed it costs nothing.
DASHBOARD_WARM = True
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}  # noqa: F405
# The suite's clients and the browser tests' live server speak plain HTTP (DEBUG is off here):
# tests/security/test_deploy_checks.py checks the production defaults in a process of their own.
SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
SECURE_HSTS_SECONDS = 0

# SQLite (the embedded default): the test database is a file, not Django's shared-cache in-memory
# database, so that the processes the suite starts (a real Celery worker) open the same database, and
# concurrent threads wait on the busy timeout instead of failing at once with "table is locked".
# In a private directory of its own (mkdtemp: mode 0700, an unpredictable name), on tmpfs where there
# is one (as fast as memory), removed when the run ends.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    _tmpfs = "/dev/shm"  # nosec B108 - only the parent of mkdtemp's private directory
    _test_db_dir = tempfile.mkdtemp(
        prefix="reform-test-db-", dir=_tmpfs if os.path.isdir(_tmpfs) and os.access(_tmpfs, os.W_OK) else None
    )
    atexit.register(shutil.rmtree, _test_db_dir, ignore_errors=True)
    DATABASES["default"]["TEST"] = {"NAME": os.path.join(_test_db_dir, "test.sqlite3")}  # noqa: F405

# The robots' tests post to an HTTP server the test starts on 127.0.0.1 (tests/notices/servers.py).
NOTICE_ROBOT_ALLOWED_HOSTS = ["127.0.0.1"]
NOTICE_ROBOT_ALLOW_PLAIN_HTTP = True
