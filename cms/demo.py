"""Demo content for the published site: founding texts, news, events, resolutions, a form.

Idempotent: pages are looked up by slug under their parent before they are created. English is
the source language; some pages get French and Spanish translations. ``seed_news`` also builds
the benchmark's corpus (hundreds of articles in three languages) quickly, without revisions.
"""

from __future__ import annotations

import datetime
import io
from typing import Any, TextIO

from django.contrib.auth.models import Group
from django.core.files.images import ImageFile
from django.db import transaction
from django.utils import timezone
from wagtail.images import get_image_model
from wagtail.models import Locale, Page

from cms.editorial import COMMUNICATIONS
from cms.models import (
    EventIndexPage,
    EventPage,
    EventSpeaker,
    FormField,
    FormPage,
    HomePage,
    NewsIndexPage,
    NewsPage,
    ResolutionIndexPage,
    ResolutionPage,
    StandardPage,
)
from cms.services import ensure_site

CHARTER = {
    "en": (
        "Our charter",
        "The values we share and the aims we pursue together.",
        [
            ("heading", {"text": "Our values", "level": "h2"}),
            (
                "paragraph",
                "<p>We are progressive, social-democratic and labour parties committed to "
                "<b>democracy</b>, <b>gender equality</b>, <b>justice</b> and <b>solidarity</b>."
                "</p>",
            ),
            ("heading", {"text": "Our aims", "level": "h2"}),
            (
                "paragraph",
                "<ul><li>Share best practice in party development, campaigning, elections and "
                "policy.</li><li>Build the campaign capacity of our member parties.</li>"
                "<li>Strengthen networks of young leaders and parliamentarians.</li></ul>",
            ),
        ],
    ),
    "fr": (
        "Notre charte",
        "Les valeurs que nous partageons et les objectifs que nous poursuivons ensemble.",
        [
            ("heading", {"text": "Nos valeurs", "level": "h2"}),
            (
                "paragraph",
                "<p>Nous sommes des partis progressistes, sociaux-démocrates et travaillistes "
                "attachés à la <b>démocratie</b>, à l'<b>égalité de genre</b>, à la "
                "<b>justice</b> et à la <b>solidarité</b>.</p>",
            ),
            ("heading", {"text": "Nos objectifs", "level": "h2"}),
            (
                "paragraph",
                "<ul><li>Partager les bonnes pratiques.</li><li>Renforcer la capacité de "
                "campagne.</li><li>Renforcer les réseaux de jeunes responsables et de "
                "parlementaires.</li></ul>",
            ),
        ],
    ),
    "es": (
        "Nuestra carta",
        "Los valores que compartimos y los objetivos que perseguimos juntos.",
        [
            ("heading", {"text": "Nuestros valores", "level": "h2"}),
            (
                "paragraph",
                "<p>Somos partidos progresistas, socialdemócratas y laboristas comprometidos "
                "con la <b>democracia</b>, la <b>igualdad de género</b>, la <b>justicia</b> y la "
                "<b>solidaridad</b>.</p>",
            ),
            ("heading", {"text": "Nuestros objetivos", "level": "h2"}),
            (
                "paragraph",
                "<ul><li>Compartir buenas prácticas.</li><li>Fortalecer la capacidad de "
                "campaña.</li><li>Fortalecer las redes de jóvenes líderes y parlamentarios."
                "</li></ul>",
            ),
        ],
    ),
}

WHAT_WE_DO = (
    "What we do",
    "Mentoring, exchanges, trainings and common positions across continents.",
    [
        (
            "paragraph",
            "<p>We connect young leaders with parliamentarians for mentoring, run forums where "
            "members compare campaigns and policies, and adopt resolutions together.</p>",
        ),
        (
            "call_to_action",
            {
                "heading": "Find a mentor",
                "text": "Parliamentarians from every region offer their time.",
                "button_label": "Start mentoring",
                "page": None,
                "url": "https://alliance.example/en/mentoring/",
            },
        ),
    ],
)

NEWS = [
    ("Young leaders meet in Accra to share campaign tools", "campaigning"),
    ("Parliamentarians launch a mentoring circle on the care economy", "care-economy"),
    ("How a youth wing doubled its membership in two years", "party-organisation"),
    ("Just transition: lessons from coal regions on three continents", "climate"),
    ("A toolkit for running safer elections online", "elections"),
    ("Gender parity in party lists: what worked in Latin America", "gender-equality"),
    ("Digital organising without surveillance: a practical guide", "digital-economy"),
    ("Network welcomes five new member parties", "party-organisation"),
    ("Climate finance: young leaders question ministers", "climate"),
    ("Women parliamentarians share strategies against online abuse", "gender-equality"),
    ("From doorstep to data: campaign trainings in Nepal and Malaysia", "campaigning"),
    ("What the care economy means for public budgets", "care-economy"),
    ("Young voters and the platform economy: a survey of members", "digital-economy"),
    ("Election observers report on a peaceful vote", "elections"),
]

EVENTS = [
    # slug, title, days from now, city, country, online, summary
    (
        "kuala-lumpur-2019-social-cohesion",
        "Kuala Lumpur conference on social cohesion",
        None,
        "Kuala Lumpur",
        "MY",
        False,
        "Parties from four continents met to discuss social cohesion and progress.",
    ),
    ("webinar-care-economy", "Webinar: funding the care economy", -60, "", "", True, ""),
    ("campaign-academy-accra", "Campaign academy, Accra", -20, "Accra", "GH", False, ""),
    ("mentoring-kick-off", "Mentoring programme kick-off (online)", 12, "", "", True, ""),
    ("young-leaders-summit-bogota", "Young leaders summit, Bogotá", 45, "Bogotá", "CO", False, ""),
    (
        "just-transition-forum-lisbon",
        "Just transition forum, Lisbon",
        90,
        "Lisbon",
        "PT",
        False,
        "",
    ),
]


def _image(title: str, colour: tuple[int, int, int]) -> Any:
    image_model = get_image_model()
    existing = image_model.objects.filter(title=title).first()
    if existing:
        return existing
    buffer = io.BytesIO()
    _demo_picture(colour).save(buffer, "PNG")
    slug = title.lower().replace(" ", "-").replace(":", "")
    return image_model.objects.create(
        title=title, file=ImageFile(io.BytesIO(buffer.getvalue()), name=f"{slug}.png")
    )


def _demo_picture(colour: tuple[int, int, int]) -> Any:
    """An abstract "network" picture: a diagonal gradient with linked nodes (no stock photos)."""
    import random

    from PIL import Image as PILImage
    from PIL import ImageDraw

    width, height = 1200, 675
    dark = tuple(int(c * 0.45) for c in colour)
    vertical = PILImage.linear_gradient("L").resize((width, height))
    horizontal = PILImage.linear_gradient("L").rotate(90).resize((width, height))
    gradient = PILImage.blend(vertical, horizontal, 0.5)
    picture = PILImage.composite(
        PILImage.new("RGB", (width, height), dark),
        PILImage.new("RGB", (width, height), colour),
        gradient,
    )
    overlay = PILImage.new("RGBA", (width, height), (0, 0, 0, 0))
    draw = ImageDraw.Draw(overlay)
    rng = random.Random(sum(colour))  # the same picture on every run
    nodes = [(rng.randint(60, width - 60), rng.randint(60, height - 60)) for _ in range(14)]
    for x, y in nodes:
        nearest = sorted(nodes, key=lambda node: (node[0] - x) ** 2 + (node[1] - y) ** 2)[1:3]
        for x2, y2 in nearest:
            draw.line((x, y, x2, y2), fill=(255, 255, 255, 90), width=3)
    for x, y in nodes:
        radius = rng.randint(10, 34)
        draw.ellipse(
            (x - radius, y - radius, x + radius, y + radius),
            fill=(255, 255, 255, rng.randint(60, 150)),
        )
    return PILImage.alpha_composite(picture.convert("RGBA"), overlay).convert("RGB")


def _stream(blocks: list[tuple[str, Any]]) -> list[tuple[str, Any]]:
    return [(kind, value) for kind, value in blocks]


def _child(parent: Page, slug: str) -> Page | None:
    return parent.get_children().filter(slug=slug).specific().first()


def _publish(parent: Page, page: Page) -> Page:
    parent.add_child(instance=page)
    page.save_revision().publish()
    return page


def _translate(page: Page, code: str, **fields: Any) -> Page:
    locale = Locale.objects.get(language_code=code)
    translated = page.get_translation_or_none(locale)
    if translated is not None:
        return translated
    translated = page.copy_for_translation(locale)
    for name, value in fields.items():
        setattr(translated, name, value)
    translated.save_revision().publish()
    return translated


def _translations_of(page: Page) -> dict[str, Page]:
    return {p.locale.language_code: p for p in page.get_translations(inclusive=True).specific()}


def seed_standard_pages(home: HomePage) -> None:
    charter = _child(home, "charter")
    if charter is None:
        title, intro, body = CHARTER["en"]
        charter = _publish(home, StandardPage(title=title, slug="charter", intro=intro, body=body))
    for code in ("fr", "es"):
        title, intro, body = CHARTER[code]
        _translate(charter, code, title=title, intro=intro, body=body)
    if _child(home, "what-we-do") is None:
        title, intro, body = WHAT_WE_DO
        _publish(home, StandardPage(title=title, slug="what-we-do", intro=intro, body=body))
    if _child(home, "contact") is None:
        form = FormPage(
            title="Contact us",
            slug="contact",
            intro="<p>Questions, or interested in joining? Write to us.</p>",
            thank_you_text="<p>Thank you. We will answer within a week.</p>",
            to_address="contact@alliance.example",
            from_address="noreply@alliance.example",
            subject="Message from the website",
        )
        form.form_fields = [
            FormField(label="Your name", field_type="singleline", required=True),
            FormField(label="Your email", field_type="email", required=True),
            FormField(label="Your party", field_type="singleline", required=False),
            FormField(label="Message", field_type="multiline", required=True),
        ]
        _publish(home, form)


def _topics() -> dict[str, Any]:
    from network.models import Topic

    return {topic.slug: topic for topic in Topic.objects.all()}


def _user(email: str) -> Any:
    from network.models import User

    return User.objects.filter(email=email).first()


def seed_demo_news(index: NewsIndexPage) -> None:
    topics = _topics()
    images = [
        _image("Demo: campaign", (176, 16, 43)),
        _image("Demo: mentoring", (10, 96, 92)),
        _image("Demo: conference", (27, 30, 40)),
    ]
    author = _user("comms@alliance.example")
    today = timezone.localdate()
    created = []
    for n, (title, topic_slug) in enumerate(NEWS):
        slug = f"news-{n + 1}"
        page = _child(index, slug)
        if page is None:
            page = NewsPage(
                title=title,
                slug=slug,
                date=today - datetime.timedelta(days=3 * n),
                summary=f"{title}: what happened, and what member parties can take from it.",
                author=author,
                featured_image=images[n % len(images)],
                body=[
                    ("paragraph", f"<p>{title}. Members from several regions took part.</p>"),
                    ("quote", {"text": "We learn fastest from each other.", "attribution": ""}),
                    ("paragraph", "<p>Read the related resolutions and join the forums.</p>"),
                ],
            )
            if topic_slug in topics:
                page.topics = [topics[topic_slug]]
            page.tags.add("demo")
            _publish(index, page)
        created.append(page)
    for page in created[:4]:
        _translate(page, "fr", title=f"[FR] {page.title}")
        _translate(page, "es", title=f"[ES] {page.title}")


def seed_demo_events(index: EventIndexPage) -> dict[str, EventPage]:
    from network.models import Country

    speakers = [u for u in (_user("mp@alliance.example"), _user("mp2@alliance.example")) if u]
    now = timezone.now().replace(minute=0, second=0, microsecond=0)
    events = {}
    for slug, title, days, city, iso2, online, summary in EVENTS:
        page = _child(index, slug)
        if page is None:
            if days is None:
                start = datetime.datetime(2019, 11, 14, 1, 0, tzinfo=datetime.UTC)
                zone = "Asia/Kuala_Lumpur"
            else:
                start = now + datetime.timedelta(days=days)
                zone = "UTC" if online else "Europe/Lisbon" if iso2 == "PT" else "UTC"
            page = EventPage(
                title=title,
                slug=slug,
                start=start,
                end=start + datetime.timedelta(hours=2 if online else 32),
                time_zone=zone,
                summary=summary or f"{title}: programme, speakers and registration.",
                is_online=online,
                online_url="https://meet.alliance.example/room" if online else "",
                venue_name="" if online else f"{city} Convention Centre",
                city=city,
                country=Country.objects.filter(iso2=iso2).first() if iso2 else None,
                registration_url="https://alliance.example/register",
            )
            page.speakers = [
                EventSpeaker(member=member, role="Member of parliament") for member in speakers
            ] + [EventSpeaker(name="Guest economist", role="Keynote")]
            _publish(index, page)
        events[slug] = page
    _translate(
        events["kuala-lumpur-2019-social-cohesion"],
        "fr",
        title="Conférence de Kuala Lumpur sur la cohésion sociale",
        summary="Des partis de quatre continents ont débattu de cohésion sociale et de progrès.",
    )
    _translate(
        events["kuala-lumpur-2019-social-cohesion"],
        "es",
        title="Conferencia de Kuala Lumpur sobre cohesión social",
        summary="Partidos de cuatro continentes debatieron sobre cohesión social y progreso.",
    )
    return events


def seed_demo_resolutions(index: ResolutionIndexPage, events: dict[str, EventPage]) -> None:
    from network.models import Party

    parties = list(Party.objects.order_by("pk")[:4])
    resolutions = [
        (
            "social-cohesion-and-progress",
            "Social Cohesion and Progress",
            ResolutionPage.Status.ADOPTED,
            events.get("kuala-lumpur-2019-social-cohesion"),
            None,
        ),
        (
            "just-transition-now",
            "A just transition, now",
            ResolutionPage.Status.OPEN,
            None,
            timezone.now() + datetime.timedelta(days=30),
        ),
        (
            "digital-rights-for-workers",
            "Digital rights for platform workers",
            ResolutionPage.Status.WITHDRAWN,
            None,
            None,
        ),
    ]
    for slug, title, status, event, deadline in resolutions:
        page = _child(index, slug)
        if page is None:
            page = ResolutionPage(
                title=title,
                slug=slug,
                status=status,
                date=(event.start.date() if event else timezone.localdate()),
                adopted_at=event,
                amendment_deadline=deadline,
                summary=f"The network's position on {title.lower()}.",
                text=[
                    ("heading", {"text": "Preamble", "level": "h2"}),
                    ("paragraph", "<p>Recalling our charter's commitment to solidarity,</p>"),
                    ("heading", {"text": "Operative clauses", "level": "h2"}),
                    ("clause", "<p>1. Calls on member parties to act together.</p>"),
                    ("clause", "<p>2. Asks the network to report back within a year.</p>"),
                ],
            )
            page.sponsoring_parties = parties
            _publish(index, page)
        if slug == "social-cohesion-and-progress":
            _translate(
                page,
                "fr",
                title="Cohésion sociale et progrès",
                summary="La position du réseau sur la cohésion sociale et le progrès.",
            )
            _translate(
                page,
                "es",
                title="Cohesión social y progreso",
                summary="La posición de la red sobre la cohesión social y el progreso.",
            )


def seed_news(
    *, index: NewsIndexPage, count: int, languages: tuple[str, ...] = ("fr", "es")
) -> int:
    """Bulk articles for benchmarks: ``count`` in English, each translated, no revisions.

    Pages are saved live directly (a published page needs no revision to be served), which is
    fifty times faster than publishing revisions one by one.
    """
    existing = NewsPage.objects.child_of(index).filter(slug__startswith="bulk-").count()
    translations = {
        code: index.get_translation(Locale.objects.get(language_code=code)) for code in languages
    }
    topics = list(_topics().values())
    today = timezone.localdate()
    for n in range(existing, count):
        fields = {
            "slug": f"bulk-{n}",
            "date": today - datetime.timedelta(days=n % 900),
            "summary": f"Bulk article {n} about the network's work across regions.",
            "body": [("paragraph", f"<p>Article {n}.</p>")],
            "live": True,
            "has_unpublished_changes": False,
            "first_published_at": timezone.now(),
            "last_published_at": timezone.now(),
        }
        with transaction.atomic():
            source = NewsPage(title=f"Network news {n}", **fields)
            index.add_child(instance=source)
            if topics:
                source.topics.set([topics[n % len(topics)]])
                source.save()
            for code, parent in translations.items():
                page = NewsPage(
                    title=f"[{code.upper()}] Network news {n}",
                    locale=parent.locale,
                    translation_key=source.translation_key,
                    **fields,
                )
                parent.add_child(instance=page)
    return count - existing


def seed(*, scale: int = 1, stdout: TextIO | None = None) -> None:
    home = ensure_site()
    editors = Group.objects.get(name=COMMUNICATIONS)
    comms = _user("comms@alliance.example")
    if comms is not None:
        comms.groups.add(editors)
    seed_standard_pages(home)
    sections = {type(p): p for p in home.get_children().specific()}
    seed_demo_news(sections[NewsIndexPage])
    events = seed_demo_events(sections[EventIndexPage])
    seed_demo_resolutions(sections[ResolutionIndexPage], events)
    if stdout:
        stdout.write(
            f"cms: home, charter, what we do, contact, {NewsPage.objects.count()} news pages, "
            f"{EventPage.objects.count()} event pages, "
            f"{ResolutionPage.objects.count()} resolution pages (all languages)\n"
        )
