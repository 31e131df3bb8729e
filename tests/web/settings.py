"""Settings for the web page's test-client tests: a throwaway data folder, jobs run at once."""

import os
import tempfile

os.environ.setdefault("PACKBUILDER_WEB_DATA", tempfile.mkdtemp(prefix="packbuilder-web-test-"))
os.environ.setdefault("PACKBUILDER_WEB_SECRET_KEY", "test-only-not-secret")

from packbuilder.web.settings import *  # noqa: E402,F403

HUEY = {**HUEY, "immediate": True}  # noqa: F405
CHECK_INLINE = True  # the meeting page's check inside the request, as jobs are run at once
# Fast hashes for the many accounts tests make; test_views checks the real setting uses argon2
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
