"""Writes to the published site's structure."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _
from wagtail.models import Locale, Page, Site

from cms.editorial import ensure_editorial_setup
from cms.models import EventIndexPage, HomePage, NewsIndexPage, ResolutionIndexPage

# The indexes live at fixed addresses in every language: /<lang>/news/, /events/, /resolutions/.
SECTIONS = (
    (NewsIndexPage, "news"),
    (EventIndexPage, "events"),
    (ResolutionIndexPage, "resolutions"),
)


def _section_texts(slug: str) -> dict[str, str]:
    return {
        "news": {
            "title": _("News"),
            "intro": _("What the network and its member parties are doing, in three languages."),
        },
        "events": {
            "title": _("Events"),
            "intro": _("Conferences, trainings and webinars, online and around the world."),
        },
        "resolutions": {
            "title": _("Resolutions"),
            "intro": _("The positions the network adopts together, and those open for amendments."),
        },
    }[slug]


def _home_texts() -> dict[str, str]:
    return {
        "title": _("Alliance Network"),
        "hero_heading": _("Progressives, connected across generations and continents"),
        "hero_text": _(
            "Young leaders and parliamentarians from progressive, social-democratic and labour "
            "parties share what works in campaigning, party building and policy."
        ),
    }


@transaction.atomic
def ensure_site() -> HomePage:
    """Make sure the three locales, the home page and its translations exist (idempotent).

    Replaces Wagtail's placeholder "Welcome" page on a fresh database.
    """
    locales = {
        code: Locale.objects.get_or_create(language_code=code)[0]
        for code, _name in settings.LANGUAGES
    }
    source_locale = locales[settings.LANGUAGE_CODE]
    home = HomePage.objects.filter(locale=source_locale).first()
    if home is None:
        root = Page.get_first_root_node()
        if root is None:
            # A transactional test's flush removes the tree Wagtail's migrations created.
            root = Page.add_root(instance=Page(title="Root", slug="root", locale=source_locale))
        # Wagtail's migrations leave a plain "Welcome" page (and a Site on it) at slug "home".
        for placeholder in root.get_children().filter(slug="home"):
            if placeholder.specific_class is Page:
                placeholder.delete()
        with translation.override(settings.LANGUAGE_CODE):
            home = HomePage(slug="home", locale=source_locale, **_home_texts())
        root.add_child(instance=home)
        home.save_revision().publish()
        site = Site.objects.filter(is_default_site=True).first()
        if site is None:
            Site.objects.create(
                hostname="localhost",
                port=80,
                root_page=home,
                is_default_site=True,
                site_name=settings.WAGTAIL_SITE_NAME,
            )
        else:
            site.root_page = home
            site.save(update_fields=["root_page"])
    for code, locale in locales.items():
        if code == settings.LANGUAGE_CODE or home.get_translation_or_none(locale):
            continue
        translated = home.copy_for_translation(locale)
        with translation.override(code):
            for field, value in _home_texts().items():
                setattr(translated, field, value)
        translated.save_revision().publish()
    sections = [_ensure_section(home, model, slug, locales) for model, slug in SECTIONS]
    ensure_editorial_setup(
        home_pages=home.get_translations(inclusive=True),
        section_pages=[page for section in sections for page in section],
    )
    return home


def _ensure_section(
    home: HomePage, model: type[Page], slug: str, locales: dict[str, Locale]
) -> list[Page]:
    """The index page ``slug`` under the home page, published in every language."""
    source = model.objects.child_of(home).first()
    if source is None:
        with translation.override(settings.LANGUAGE_CODE):
            source = model(slug=slug, locale=home.locale, **_section_texts(slug))
        home.add_child(instance=source)
        source.save_revision().publish()
    pages = [source]
    for code, locale in locales.items():
        if code == settings.LANGUAGE_CODE:
            continue
        translated = source.get_translation_or_none(locale)
        if translated is None:
            translated = source.copy_for_translation(locale)
            with translation.override(code):
                for field, value in _section_texts(slug).items():
                    setattr(translated, field, value)
            translated.slug = slug
            translated.save_revision().publish()
        pages.append(translated)
    return pages
