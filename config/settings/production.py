"""Production: everything secret or host-specific must come from the environment."""

from django.core.exceptions import ImproperlyConfigured

from config import env

from .base import *  # noqa: F403

DEBUG = False
if not SECRET_KEY or len(SECRET_KEY) < 50:  # noqa: F405
    raise ImproperlyConfigured("SECRET_KEY must be set to a random string of 50+ characters.")

SECURE_SSL_REDIRECT = env.get_bool("SECURE_SSL_REDIRECT", True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = env.get_int("SECURE_HSTS_SECONDS", 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https"
