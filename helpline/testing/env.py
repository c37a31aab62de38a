"""A pytest plugin loaded before Django settings (``-p helpline.testing.env`` in pyproject): test defaults."""

import os

# Tasks run inline unless a test starts real workers; connections are not kept across threads.
os.environ.setdefault("HELPLINE_TASKS_IMMEDIATE", "1")
os.environ.setdefault("HELPLINE_DB_CONN_MAX_AGE", "0")
os.environ.setdefault("HELPLINE_DATA_DIR", "var/test")
