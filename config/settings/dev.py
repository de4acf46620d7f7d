"""Local development: DEBUG on, a fixed dev secret, console email."""

from config import env

from .base import *  # noqa: F403

DEBUG = env.get_bool("DEBUG", True)
SECRET_KEY = env.get_str("SECRET_KEY", "dev-only-insecure-key-change-me-0123456789abcdefghijkl")
ALLOWED_HOSTS = env.get_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]", "testserver"])
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
