"""Complete, production-safe settings. Other modules only relax or tighten them.

Integrations switch on when their variable is set: ``DATABASE_URL`` (else a SQLite file in the
project), ``REDIS_URL`` (else the in-memory channel layer and a local-memory cache).
"""

from __future__ import annotations

import dj_database_url

from config import env

BASE_DIR = env.BASE_DIR

SECRET_KEY = env.get_str("SECRET_KEY", "")
DEBUG = env.get_bool("DEBUG", False)
ALLOWED_HOSTS = env.get_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.get_list("CSRF_TRUSTED_ORIGINS", [])
SITE_URL = env.get_str("SITE_URL", "http://127.0.0.1:8000")

INSTALLED_APPS = [
    # daphne must come first so `runserver` is the ASGI one and nothing else patches it.
    "daphne",
    "channels",
    # Project apps before contrib so their templates (allauth, errors) win.
    "network",
    "mentoring",
    "forums",
    "realtime",
    "cms",
    "wagtail_localize",
    "wagtail_localize.locales",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.contrib.sitemaps",
    "wagtail.contrib.search_promotions",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_filters",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.contrib.humanize",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Serves published pages to anonymous visitors from the cache (see cms/middleware.py).
    "cms.middleware.AnonymousPageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "network.middleware.AdminFramingMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "network.middleware.StaffTwoFactorMiddleware",
    "cms.middleware.AdminAreaGuardMiddleware",
    "network.middleware.MemberLanguageMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
]

ROOT_URLCONF = "config.urls"
ASGI_APPLICATION = "config.asgi.application"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
                "network.context_processors.site_chrome",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
_database_url = env.database_url()
if _database_url:
    DATABASES = {"default": dj_database_url.parse(_database_url, conn_max_age=0)}
    if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        # Under ASGI every request may run on a different thread: persistent connections leak.
        # psycopg's pool gives reuse without the leak (CONN_MAX_AGE must stay 0 with a pool).
        DATABASES["default"]["OPTIONS"] = {
            "pool": {
                "min_size": env.get_int("DB_POOL_MIN", 2),
                "max_size": env.get_int("DB_POOL_MAX", 20),
                "timeout": 10,
            },
        }
        _test_name = env.get_str("TEST_DATABASE_NAME")
        if _test_name:
            DATABASES["default"]["TEST"] = {"NAME": _test_name}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": env.get_str("SQLITE_PATH", str(BASE_DIR / "db.sqlite3")),
            # WAL lets readers run while a writer commits; 20 s busy timeout for the dev server.
            "OPTIONS": {
                "timeout": 20,
                "transaction_mode": "IMMEDIATE",
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            },
        }
    }
DATABASE_IS_POSTGRES = DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# The directory's covering name index (network.DirectoryEntry) is a PostgreSQL optimisation;
# on SQLite, which has no INCLUDE columns, the plain name index beside it does the job.
SILENCED_SYSTEM_CHECKS = ["models.W040"]
# Each process answers directory queries from its own in-memory copy, kept current through the
# directory's change log (network.directory_store); off, every query runs in SQL.
DIRECTORY_MEMORY_INDEX = env.get_bool("DIRECTORY_MEMORY_INDEX", True)

# --- Redis: channel layer and cache ---------------------------------------------------------
REDIS_URL = env.redis_url()
if REDIS_URL:
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {
                # redis-py 8 defaults to a 5 s socket timeout while channels-redis blocks on
                # BRPOP for 5 s: idle consumers then die with 1011. No timeout on the socket.
                "hosts": [
                    {
                        "address": REDIS_URL,
                        "socket_timeout": None,
                        "socket_connect_timeout": 2,
                        "retry_on_timeout": True,
                    }
                ],
                "capacity": env.get_int("CHANNEL_CAPACITY", 1000),
                "expiry": 60,
                # Must exceed daphne's --websocket_timeout (see docs/deployment.md).
                "group_expiry": 86400,
                "prefix": env.get_str("CHANNEL_PREFIX", "alliance"),
            },
        }
    }
    CACHES = {
        "default": {
            "BACKEND": "config.cache.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "alliance",
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Auth -----------------------------------------------------------------------------------
AUTH_USER_MODEL = "network.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "/"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_CHANGE_EMAIL = True
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_ADAPTER = "network.adapters.AccountAdapter"
ACCOUNT_SIGNUP_FORM_CLASS = "network.forms.SignupForm"
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Alliance Network] "
# Failed logins are throttled by network.throttling per (account, address) and per address, so
# an attacker cannot lock a member out; allauth's own per-account limit would allow exactly that.
ACCOUNT_RATE_LIMITS = {"login_failed": False}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Alliance Network"
LOGIN_THROTTLE = {
    "PAIR_LIMIT": env.get_int("LOGIN_THROTTLE_PAIR_LIMIT", 5),
    "ADDRESS_LIMIT": env.get_int("LOGIN_THROTTLE_ADDRESS_LIMIT", 30),
    "COOL_OFF_SECONDS": env.get_int("LOGIN_THROTTLE_COOL_OFF", 15 * 60),
}

# --- Internationalisation -------------------------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("fr", "Français"), ("es", "Español")]
WAGTAIL_I18N_ENABLED = True
WAGTAIL_CONTENT_LANGUAGES = LANGUAGES
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# --- Static and media -----------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = env.get_str("MEDIA_ROOT", str(BASE_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# --- Email ----------------------------------------------------------------------------------
EMAIL_BACKEND = env.get_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env.get_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env.get_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env.get_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env.get_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env.get_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env.get_str(
    "DEFAULT_FROM_EMAIL", "Alliance Network <noreply@alliance.example>"
)
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Security -------------------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# --- Wagtail --------------------------------------------------------------------------------
WAGTAIL_SITE_NAME = "Alliance Network"
WAGTAILADMIN_BASE_URL = SITE_URL
# The admin must make no requests to outside hosts.
WAGTAIL_GRAVATAR_PROVIDER_URL = None
WAGTAIL_ENABLE_UPDATE_CHECK = False
WAGTAIL_ENABLE_WHATS_NEW_BANNER = False
# Wagtail's database backend, with per-language stemming on PostgreSQL (see cms/search.py).
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "cms.search"}}
WAGTAILDOCS_SERVE_METHOD = "serve_view"
WAGTAILEMBEDS_FINDERS = [{"class": "wagtail.embeds.finders.oembed"}]
WAGTAILADMIN_PERMITTED_LANGUAGES = LANGUAGES
WAGTAILIMAGES_IMAGE_MODEL = "wagtailimages.Image"

# --- Published site ---------------------------------------------------------------------------
# Whole-page cache for anonymous visitors (cms.middleware); off only to measure rendering.
CMS_PAGE_CACHE = env.get_bool("CMS_PAGE_CACHE", True)
# Exposes /bench/bare, the baseline view of benchmarks/pages.py. Never on in production.
BENCHMARK_VIEWS = env.get_bool("BENCHMARK_VIEWS", False)

# --- Realtime -------------------------------------------------------------------------------
REALTIME = {
    "MAX_FRAME_BYTES": env.get_int("WS_MAX_FRAME_BYTES", 64 * 1024),
    "FRAMES_PER_10S": env.get_int("WS_FRAMES_PER_10S", 50),
    "MAX_SUBSCRIPTIONS": 50,
    # Post frames per socket per minute (the forum's own posting limits apply on top).
    "POSTS_PER_MINUTE": env.get_int("WS_POSTS_PER_MINUTE", 10),
    # Catch-up replays at most this many missed events; beyond it the client reloads the view.
    "REPLAY_CAP": env.get_int("WS_REPLAY_CAP", 200),
    # A socket with more than this many bytes waiting for its client is dropped (it catches up
    # on reconnect): a stalled client cannot grow server memory.
    "MAX_BACKLOG_BYTES": env.get_int("WS_MAX_BACKLOG_BYTES", 1024 * 1024),
    # Pub/sub channel prefix of the per-process fan-out (realtime.hub).
    "CHANNEL_PREFIX": env.get_str("CHANNEL_PREFIX", "alliance"),
    # Benchmarks: a daphne process writes its hub counters here every second when set.
    "STATS_FILE": env.get_str("REALTIME_STATS_FILE"),
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.get_str("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.channels.server": {"level": "WARNING"},
        "daphne": {"level": "WARNING"},
        # Wagtail logs every page action and django-tasks every index task at INFO.
        "wagtail": {"level": "WARNING"},
        "django_tasks": {"level": "WARNING"},
        "django.tasks": {"level": "WARNING"},
    },
}
