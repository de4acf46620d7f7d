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
if not env.database_url():
    # In-memory SQLite would be private to one connection; live-server tests need a file.
    DATABASES["default"]["TEST"] = {"NAME": str(BASE_DIR / ".test-db.sqlite3")}  # noqa: F405
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "WARNING"}}
