"""Test settings: fast hashing, plain static storage, an in-memory outbox."""

from config import env

from .base import *  # noqa: F403

DEBUG = False
SECRET_KEY = "test-only-key-not-secret-0123456789abcdefghijklmnopqrstuvwxyz"
ALLOWED_HOSTS = ["localhost", "127.0.0.1", "testserver", "[::1]"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_AUTOREFRESH = True
# Live-server tests serve static files straight from the apps (no collectstatic needed).
WHITENOISE_USE_FINDERS = True
if not env.database_url():
    # In-memory SQLite would be private to one connection; live-server tests need a file.
    DATABASES["default"]["TEST"] = {"NAME": str(BASE_DIR / ".test-db.sqlite3")}  # noqa: F405
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "WARNING"}}

# A live daphne server started by the tests runs in another process: it must use the test
# database the test process created, and leave its mail where the test can read it.
_live_db = env.get_str("LIVE_SERVER_DB_NAME")
if _live_db:
    DATABASES["default"]["NAME"] = _live_db  # noqa: F405
_mail_dir = env.get_str("EMAIL_FILE_PATH")
if _mail_dir:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = _mail_dir
