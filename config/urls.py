"""URL map. Content URLs are language-prefixed (/en/, /fr/, /es/); / redirects by language."""

from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.contrib.sitemaps.views import sitemap
from wagtail.documents import urls as wagtaildocs_urls

from cms.sitemaps import AllLanguagesSitemap
from network import views as network_views
from realtime import views as realtime_views

handler403 = "network.views.error_403"
handler404 = "network.views.error_404"
handler500 = "network.views.error_500"

urlpatterns = [
    path("healthz", realtime_views.healthz, name="healthz"),
    path("admin/", include(wagtailadmin_urls)),
    path("django-admin/", network_views.django_admin_redirect),
    path("documents/", include(wagtaildocs_urls)),
    path("i18n/", include("django.conf.urls.i18n")),
    path("sitemap.xml", sitemap, {"sitemaps": {"pages": AllLanguagesSitemap}}, name="sitemap"),
]

urlpatterns += i18n_patterns(
    path("accounts/", include("allauth.urls")),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("network/", include("network.urls")),
    path("mentoring/", include("mentoring.urls")),
    path("forums/", include("forums.urls")),
    path("", include("cms.urls")),
    path("", include(wagtail_urls)),
    prefix_default_language=True,
)

if settings.BENCHMARK_VIEWS:
    from cms.views import bench_bare

    urlpatterns.insert(0, path("bench/bare", bench_bare))

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns = static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT) + urlpatterns
