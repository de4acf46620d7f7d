"""Demo forums for ``seed_demo``: boards of every audience, multilingual discussions,
reactions, flags and unread state for the demo logins.

Idempotent: categories are keyed by slug and threads by title; everything is written through
``forums.services`` (rate limits off) so counters, notifications and events are real.
"""

from __future__ import annotations

from typing import TextIO

from forums import services
from forums.models import Audience, Category, Flag, Thread
from network.models import Region, Topic, User

CATEGORIES = [
    # slug, kind, read, post, (en, fr, es), (description en, fr, es), topic, region
    ("welcome", "topic", Audience.PUBLIC, Audience.MEMBERS,
     ("Welcome and introductions", "Bienvenue et présentations", "Bienvenida y presentaciones"),
     ("Say hello to the network.", "Présentez-vous au réseau.", "Preséntate a la red."),
     None, None),
    ("campaigning", "topic", Audience.MEMBERS, Audience.MEMBERS,
     ("Campaigning", "Campagnes", "Campañas"),
     ("What worked, what did not, and why.", "Ce qui a marché, ou pas, et pourquoi.",
      "Lo que funcionó, lo que no, y por qué."),
     "campaigning", None),
    ("care-economy", "topic", Audience.MEMBERS, Audience.MEMBERS,
     ("Care economy", "Économie des soins", "Economía de los cuidados"),
     ("Bills, budgets and organising for care.", "Lois, budgets et organisation des soins.",
      "Leyes, presupuestos y organización de los cuidados."),
     "care-economy", None),
    ("africa", "region", Audience.MEMBERS, Audience.MEMBERS,
     ("Africa", "Afrique", "África"), ("The African regional board.", "", ""), None, "africa"),
    ("latin-america", "region", Audience.MEMBERS, Audience.MEMBERS,
     ("Latin America", "Amérique latine", "América Latina"),
     ("The Latin American regional board.", "", ""), None, "latin-america"),
    ("young-leaders", "private", Audience.YOUNG_LEADERS, Audience.YOUNG_LEADERS,
     ("Young leaders' lounge", "Espace des jeunes leaders", "Espacio de jóvenes líderes"),
     ("Only young leaders read this board.", "", ""), None, None),
    ("parliamentarians", "private", Audience.PARLIAMENTARIANS, Audience.PARLIAMENTARIANS,
     ("Parliamentarians' room", "Salle des parlementaires", "Sala de parlamentarios"),
     ("Verified parliamentarians only.", "", ""), None, None),
    ("staff", "private", Audience.STAFF, Audience.STAFF,
     ("Staff room", "Salle du personnel", "Sala del personal"),
     ("Alliance staff coordination.", "", ""), None, None),
    ("moderators", "private", Audience.MODERATORS, Audience.MODERATORS,
     ("Moderators", "Modération", "Moderación"),
     ("Moderation policy and hard cases.", "", ""), None, None),
]  # fmt: skip

# category slug, author email, title, body, topic slugs, replies [(email, body)]
THREADS = [
    (
        "campaigning",
        "moderator@alliance.example",
        "How Ghana's youth wing ran an open primary",
        "Our youth wing ran its first **open primary** last year: 14 constituencies, "
        "3,200 voters, all under 35.\n\nWhat made the difference:\n\n1. Candidates debated on "
        "community radio, not only on social media\n2. Polling stations at markets on Saturdays\n"
        "3. Results published per station within two hours\n\n@amina_njoroge you asked about "
        "costs: about 40% went on transport for volunteers.",
        ["campaigning", "youth-participation"],
        [
            (
                "young@alliance.example",
                "Thank you! In Kenya we struggle with turnout. Did the "
                "market polling stations bring *new* voters, or the usual ones?",
            ),
            (
                "moderator@alliance.example",
                "Mostly new: two thirds had never voted in a party process before.",
            ),
            (
                "young2@alliance.example",
                "We tried something similar in Valparaíso; the radio debates "
                "are a great idea, we'll copy that.",
            ),
        ],
    ),
    (
        "latin-america",
        "young2@alliance.example",
        "Campaña por WhatsApp en Chile: lo que aprendimos",
        "Organizamos **380 grupos de WhatsApp** por barrio durante la campaña municipal.\n\n"
        "- Un coordinador por grupo, con formación de 2 horas\n- Nada de cadenas: solo "
        "información verificada\n- Un canal de difusión para los materiales oficiales\n\n"
        "> El contacto cara a cara sigue siendo lo más importante.\n\n¿Alguien tiene experiencia "
        "con las nuevas reglas de Meta sobre grupos?",
        ["campaigning", "digital-economy"],
        [
            (
                "mp@alliance.example",
                "Muy interesante. En Brasil los grupos se saturan rápido: "
                "¿cómo moderaban los mensajes falsos?",
            ),
            (
                "young2@alliance.example",
                "Cada coordinador tenía una lista de fuentes verificadas y "
                "un número de la campaña para consultar.",
            ),
        ],
    ),
    (
        "care-economy",
        "mp@alliance.example",
        "Drafting a care-economy bill: paid leave for carers",
        "We are drafting a bill that gives **10 days of paid carers' leave** a year. The hard "
        "parts are financing (social insurance vs. general budget) and covering informal "
        "workers.\n\nHas anyone costed a similar scheme? @erik_andersson Sweden must have data.",
        ["care-economy", "gender-equality"],
        [
            (
                "mp2@alliance.example",
                "Yes: our scheme is financed through social insurance; take-up "
                "was 60% women in year one. I can share the impact assessment.",
            ),
            ("comms@alliance.example", "Nous pourrions en faire un webinaire du réseau en mars ?"),
        ],
    ),
    (
        "welcome",
        "young@alliance.example",
        "Hello from Nairobi!",
        "I'm Amina, I coordinate our party's youth policy group. Interested in **climate** and "
        "**digital rights**. Happy to connect!",
        ["youth-participation"],
        [
            (
                "partystaff@alliance.example",
                "Welcome Amina! Our youth group in Delhi works on the same themes.",
            ),
            ("young2@alliance.example", "¡Bienvenida! Saludos desde Santiago."),
        ],
    ),
    (
        "africa",
        "moderator@alliance.example",
        "Financement des campagnes des jeunes candidates",
        "Au Sénégal, plusieurs partis réservent une part du budget de campagne aux **jeunes "
        "candidates**. Quelles règles existent dans vos partis ?",
        ["gender-equality", "elections"],
        [
            (
                "young@alliance.example",
                "In Kenya there is no rule yet, but our women's league fundraises separately.",
            )
        ],
    ),
    (
        "young-leaders",
        "young@alliance.example",
        "Mentoring: how do you approach an MP?",
        "Any tips for a first message to a parliamentarian you'd like as a mentor?",
        [],
        [
            (
                "young2@alliance.example",
                "Be specific: one question, one concrete ask, and say why them.",
            )
        ],
    ),
    (
        "parliamentarians",
        "mp@alliance.example",
        "Private: coordinating the ILO care statement",
        "Colleagues, a draft for our joint statement before the ILO conference is attached in "
        "the staff drive. Comments by Friday please.",
        ["care-economy"],
        [("mp2@alliance.example", "Sweden signs. Small amendment on paragraph 3 coming.")],
    ),
    (
        "staff",
        "comms@alliance.example",
        "Newsletter schedule for next quarter",
        "Proposal: one issue per month, in EN/FR/ES, with a forum highlight each time.",
        [],
        [],
    ),
    (
        "moderators",
        "moderator@alliance.example",
        "Flag policy: when do we hide?",
        "Reminder: hide first and discuss later only for doxxing or threats; everything else "
        "goes through the queue.",
        [],
        [],
    ),
]


def _users() -> dict[str, User]:
    return {u.email: u for u in User.objects.filter(email__endswith="@alliance.example")}


def seed(*, scale: int = 1, stdout: TextIO | None = None) -> None:
    users = _users()
    if "moderator@alliance.example" not in users:
        if stdout:
            stdout.write("forums: demo members missing, skipped")
        return
    topics = {t.slug: t for t in Topic.objects.all()}
    regions = {r.code: r for r in Region.objects.all()}
    categories = {}
    for order, (slug, kind, read, post, names, descriptions, topic, region) in enumerate(
        CATEGORIES
    ):
        categories[slug], _created = Category.objects.update_or_create(
            slug=slug,
            defaults={
                "kind": kind,
                "read_audience": read,
                "post_audience": post,
                "name": names[0],
                "name_fr": names[1],
                "name_es": names[2],
                "description": descriptions[0],
                "description_fr": descriptions[1],
                "description_es": descriptions[2],
                "topic": topics.get(topic) if topic else None,
                "region": regions.get(region) if region else None,
                "order": order,
            },
        )
    created = 0
    for slug, email, title, body, topic_slugs, replies in THREADS:
        if Thread.objects.filter(title=title).exists():
            continue
        thread = services.create_thread(
            author=users[email],
            category=categories[slug],
            title=title,
            body=body,
            topics=[topics[t] for t in topic_slugs if t in topics],
            enforce_limits=False,
        )
        for reply_email, text in replies:
            services.create_post(
                author=users[reply_email], thread=thread, body=text, enforce_limits=False
            )
        created += 1
        first = thread.posts.get(number=1)
        for reactor in ("young@alliance.example", "mp2@alliance.example", "comms@alliance.example"):
            user = users.get(reactor)
            if user and user.pk != first.author_id:
                from forums.permissions import can_react

                if can_react(user, first):
                    services.react(user=user, post=first, kind="thanks")
    # A flagged post for the moderators' queue.
    spam_title = "Cheap followers for your campaign!!!"
    if (
        not Thread.objects.filter(title=spam_title).exists()
        and "partystaff@alliance.example" in users
    ):
        spam = services.create_thread(
            author=users["partystaff@alliance.example"],
            category=categories["welcome"],
            title=spam_title,
            body="Buy 10,000 followers today, [click here](https://example.com/offer).",
            enforce_limits=False,
        )
        post = spam.posts.get()
        for email in ("young@alliance.example", "young2@alliance.example"):
            services.flag_post(
                reporter=users[email], post=post, reason=Flag.Reason.SPAM, note="Advertising"
            )
    if stdout:
        stdout.write(f"forums: {len(categories)} categories, {created} new threads")
