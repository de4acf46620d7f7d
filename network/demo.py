"""Demo network for `seed_demo`: regions, countries, parties and members on every continent.

Idempotent: rows are looked up by natural keys before they are created. ``scale`` multiplies the
number of generated members (scale 210 gives ~50,000) for benchmarks.
"""

from __future__ import annotations

import random
from typing import TextIO

from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from network.models import (
    Audience,
    Country,
    Language,
    MemberProfile,
    Party,
    Region,
    Topic,
    User,
)

DEMO_PASSWORD = "alliance-demo-2026"
# A fixed TOTP secret for demo staff, so a new user can sign in to the admin (see README).
DEMO_TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"

REGIONS = [
    ("north-america", "North America"),
    ("latin-america", "Latin America"),
    ("europe", "Europe"),
    ("africa", "Africa"),
    ("asia", "Asia"),
    ("middle-east", "Middle East"),
    ("pacific", "Pacific"),
]

COUNTRIES = {
    "north-america": [("US", "United States"), ("CA", "Canada")],
    "latin-america": [
        ("MX", "Mexico"),
        ("BR", "Brazil"),
        ("AR", "Argentina"),
        ("CL", "Chile"),
        ("CO", "Colombia"),
        ("UY", "Uruguay"),
        ("CR", "Costa Rica"),
    ],
    "europe": [
        ("GB", "United Kingdom"),
        ("FR", "France"),
        ("ES", "Spain"),
        ("DE", "Germany"),
        ("SE", "Sweden"),
        ("PT", "Portugal"),
        ("PL", "Poland"),
        ("IT", "Italy"),
    ],
    "africa": [
        ("GH", "Ghana"),
        ("KE", "Kenya"),
        ("ZA", "South Africa"),
        ("SN", "Senegal"),
        ("NG", "Nigeria"),
        ("MA", "Morocco"),
    ],
    "asia": [
        ("IN", "India"),
        ("NP", "Nepal"),
        ("MY", "Malaysia"),
        ("PH", "Philippines"),
        ("KR", "South Korea"),
        ("MN", "Mongolia"),
    ],
    "middle-east": [
        ("IL", "Israel"),
        ("PS", "Palestine"),
        ("LB", "Lebanon"),
        ("TN", "Tunisia"),
        ("JO", "Jordan"),
    ],
    "pacific": [("AU", "Australia"), ("NZ", "New Zealand"), ("FJ", "Fiji")],
}

# Fictional parties: the demo must not put words in real parties' mouths.
PARTY_PATTERNS = {
    "en": [("{c} Labour Party", "{a}LP"), ("Social Democrats of {c}", "SD{a}")],
    "es": [("Partido Socialdemócrata de {c}", "PSD{a}"), ("Frente Progresista de {c}", "FP{a}")],
    "fr": [("Parti socialiste de {c}", "PS{a}"), ("Union progressiste de {c}", "UP{a}")],
    "pt": [("Partido Progressista de {c}", "PP{a}")],
}
COUNTRY_LANGUAGE = {
    "MX": "es",
    "AR": "es",
    "CL": "es",
    "CO": "es",
    "UY": "es",
    "CR": "es",
    "ES": "es",
    "FR": "fr",
    "SN": "fr",
    "MA": "fr",
    "TN": "fr",
    "LB": "fr",
    "BR": "pt",
    "PT": "pt",
}

TOPICS = [
    (
        "climate",
        "Climate and just transition",
        "Climat et transition juste",
        "Clima y transición justa",
    ),
    ("gender-equality", "Gender equality", "Égalité de genre", "Igualdad de género"),
    ("digital-economy", "Digital economy", "Économie numérique", "Economía digital"),
    ("care-economy", "Care economy", "Économie des soins", "Economía de los cuidados"),
    ("campaigning", "Campaigning", "Campagnes", "Campañas"),
    (
        "party-organisation",
        "Party organisation",
        "Organisation du parti",
        "Organización partidaria",
    ),
    ("elections", "Running elections", "Élections", "Elecciones"),
    (
        "youth-participation",
        "Youth participation",
        "Participation des jeunes",
        "Participación juvenil",
    ),
    ("human-rights", "Human rights", "Droits humains", "Derechos humanos"),
    ("peace-security", "Peace and security", "Paix et sécurité", "Paz y seguridad"),
    ("labour-rights", "Labour rights", "Droits des travailleurs", "Derechos laborales"),
    ("social-cohesion", "Social cohesion", "Cohésion sociale", "Cohesión social"),
]
LANGUAGES = [
    ("en", "English", "English"),
    ("fr", "French", "Français"),
    ("es", "Spanish", "Español"),
    ("pt", "Portuguese", "Português"),
    ("ar", "Arabic", "العربية"),
    ("sw", "Swahili", "Kiswahili"),
    ("de", "German", "Deutsch"),
    ("hi", "Hindi", "हिन्दी"),
    ("ko", "Korean", "한국어"),
    ("he", "Hebrew", "עברית"),
    ("pl", "Polish", "Polski"),
    ("sv", "Swedish", "Svenska"),
    ("it", "Italian", "Italiano"),
    ("wo", "Wolof", "Wolof"),
    ("tl", "Filipino", "Filipino"),
    ("ms", "Malay", "Bahasa Melayu"),
    ("mn", "Mongolian", "Монгол"),
    ("ne", "Nepali", "नेपाली"),
]
COUNTRY_LANGUAGES = {
    "US": ["en", "es"],
    "CA": ["en", "fr"],
    "MX": ["es"],
    "BR": ["pt"],
    "AR": ["es"],
    "CL": ["es"],
    "CO": ["es"],
    "UY": ["es"],
    "CR": ["es"],
    "GB": ["en"],
    "FR": ["fr"],
    "ES": ["es"],
    "DE": ["de"],
    "SE": ["sv"],
    "PT": ["pt"],
    "PL": ["pl"],
    "IT": ["it"],
    "GH": ["en"],
    "KE": ["sw", "en"],
    "ZA": ["en"],
    "SN": ["fr", "wo"],
    "NG": ["en"],
    "MA": ["ar", "fr"],
    "IN": ["hi", "en"],
    "NP": ["ne", "en"],
    "MY": ["ms", "en"],
    "PH": ["tl", "en"],
    "KR": ["ko"],
    "MN": ["mn"],
    "IL": ["he", "en"],
    "PS": ["ar"],
    "LB": ["ar", "fr"],
    "TN": ["ar", "fr"],
    "JO": ["ar", "en"],
    "AU": ["en"],
    "NZ": ["en"],
    "FJ": ["en"],
}
HEADLINES = {
    User.Role.YOUNG_LEADER: [
        "Youth wing organiser",
        "Campaign volunteer coordinator",
        "Student union president",
        "Municipal candidate",
        "Digital campaigns lead",
    ],
    User.Role.PARLIAMENTARIAN: [
        "Member of Parliament",
        "Senator",
        "Chair, committee on labour",
        "Shadow minister for climate",
        "Member of the National Assembly",
    ],
    User.Role.PARTY_STAFF: ["International secretary", "Policy adviser", "Party organiser"],
}

FIRST_NAMES = {
    "north-america": ["Jordan", "Maya", "Elijah", "Sofia", "Malik", "Hannah", "Noah", "Aisha"],
    "latin-america": [
        "Camila",
        "Mateo",
        "Valentina",
        "Santiago",
        "Lucía",
        "Diego",
        "Ana",
        "Joaquín",
    ],
    "europe": ["Clara", "Lukas", "Inès", "Marco", "Agnieszka", "Erik", "Chloé", "Tomás"],
    "africa": ["Amina", "Kwame", "Fatou", "Thabo", "Ngozi", "Moussa", "Wanjiru", "Kofi"],
    "asia": ["Priya", "Arjun", "Siti", "Min-jun", "Maria", "Bat-Erdene", "Anjali", "Rafael"],
    "middle-east": ["Layla", "Omar", "Noa", "Yousef", "Rania", "Karim", "Tamar", "Hiba"],
    "pacific": ["Olivia", "Tane", "Mere", "Lachlan", "Ana", "Jack", "Aroha", "Sereana"],
}
LAST_NAMES = {
    "north-america": ["Johnson", "Nguyen", "Tremblay", "Williams", "Garcia", "Okafor"],
    "latin-america": ["Souza", "Rodríguez", "González", "Pereira", "Martínez", "Fernández"],
    "europe": ["Dubois", "Müller", "García", "Andersson", "Kowalska", "Rossi", "Silva"],
    "africa": ["Njoroge", "Mensah", "Diop", "Nkosi", "Okonkwo", "Benali", "Otieno"],
    "asia": ["Sharma", "Rahman", "Kim", "Santos", "Thapa", "Tan", "Batbayar"],
    "middle-east": ["Haddad", "Khalil", "Levi", "Nasser", "Ben Ali", "Mansour"],
    "pacific": ["Smith", "Ngata", "Wilson", "Tuilagi", "Brown", "Naidu"],
}

CITIES = {
    "US": "Chicago", "CA": "Montréal", "MX": "Guadalajara", "BR": "Belo Horizonte",
    "AR": "Rosario", "CL": "Valparaíso", "CO": "Bogotá", "UY": "Montevideo", "CR": "San José",
    "GB": "Manchester", "FR": "Lyon", "ES": "Sevilla", "DE": "Leipzig", "SE": "Malmö",
    "PT": "Porto", "PL": "Gdańsk", "IT": "Bologna", "GH": "Kumasi", "KE": "Nairobi",
    "ZA": "Durban", "SN": "Dakar", "NG": "Lagos", "MA": "Casablanca", "IN": "Pune",
    "NP": "Pokhara", "MY": "Penang", "PH": "Cebu", "KR": "Busan", "MN": "Ulaanbaatar",
    "IL": "Haifa", "PS": "Ramallah", "LB": "Tripoli", "TN": "Sfax", "JO": "Irbid",
    "AU": "Brisbane", "NZ": "Wellington", "FJ": "Suva",
}  # fmt: skip
BIO_TEMPLATES = [
    "I work on {t1} and {t2}. Before politics I was a trade union organiser in {city}.",
    "Campaigner for {t1}. I led our party's door-to-door programme and now coach new "
    "candidates on {t2}.",
    "My focus is {t1}: I have drafted legislation and run a cross-party caucus on it. "
    "Happy to talk about {t2}.",
    "Youth organiser since school; currently building our {t1} working group and learning "
    "about {t2}.",
]
# (listing, photo, city, links, bio, email) audience mixes: most members list themselves to
# members, many publicly; a few keep to parliamentarians, staff or themselves.
AUDIENCE_MIXES = [
    (Audience.PUBLIC, Audience.PUBLIC, Audience.MEMBERS, Audience.PUBLIC, Audience.PUBLIC,
     Audience.ONLY_ME),
    (Audience.MEMBERS, Audience.MEMBERS, Audience.MEMBERS, Audience.MEMBERS, Audience.MEMBERS,
     Audience.ONLY_ME),
    (Audience.MEMBERS, Audience.MEMBERS, Audience.PARLIAMENTARIANS, Audience.MEMBERS,
     Audience.MEMBERS, Audience.MEMBERS),
    (Audience.PUBLIC, Audience.PUBLIC, Audience.PUBLIC, Audience.PUBLIC, Audience.PUBLIC,
     Audience.PUBLIC),
    (Audience.PARLIAMENTARIANS, Audience.PARLIAMENTARIANS, Audience.STAFF, Audience.MEMBERS,
     Audience.PARLIAMENTARIANS, Audience.ONLY_ME),
    (Audience.STAFF, Audience.STAFF, Audience.STAFF, Audience.STAFF, Audience.STAFF,
     Audience.STAFF),
    (Audience.ONLY_ME, Audience.ONLY_ME, Audience.ONLY_ME, Audience.ONLY_ME, Audience.ONLY_ME,
     Audience.ONLY_ME),
]  # fmt: skip
AUDIENCE_WEIGHTS = [30, 40, 10, 10, 5, 3, 2]
MEMBERSHIP_STATUSES = [Party.Status.FULL] * 6 + [Party.Status.OBSERVER, Party.Status.PARTNER]

FIXED_MEMBERS = [
    # email, display name, role, country, extra
    (
        "admin@alliance.example",
        "Network Administrator",
        User.Role.ALLIANCE_STAFF,
        "GB",
        {"is_staff": True, "is_superuser": True},
    ),
    ("comms@alliance.example", "Chloé Dubois", User.Role.ALLIANCE_STAFF, "FR", {"is_staff": True}),
    ("moderator@alliance.example", "Kwame Mensah", User.Role.MODERATOR, "GH", {"is_staff": True}),
    (
        "mp@alliance.example",
        "Ana Beatriz Souza",
        User.Role.PARLIAMENTARIAN,
        "BR",
        {"parliamentarian_status": User.ParliamentarianStatus.VERIFIED},
    ),
    (
        "mp2@alliance.example",
        "Erik Andersson",
        User.Role.PARLIAMENTARIAN,
        "SE",
        {"parliamentarian_status": User.ParliamentarianStatus.VERIFIED},
    ),
    ("young@alliance.example", "Amina Njoroge", User.Role.YOUNG_LEADER, "KE", {}),
    ("young2@alliance.example", "Mateo Fernández", User.Role.YOUNG_LEADER, "CL", {}),
    ("partystaff@alliance.example", "Priya Sharma", User.Role.PARTY_STAFF, "IN", {}),
]


def _seed_reference_data() -> None:
    for order, (code, name) in enumerate(REGIONS):
        Region.objects.update_or_create(code=code, defaults={"name": name, "order": order})
    regions = {r.code: r for r in Region.objects.all()}
    for region_code, countries in COUNTRIES.items():
        for iso2, name in countries:
            Country.objects.update_or_create(
                iso2=iso2, defaults={"name": name, "region": regions[region_code]}
            )
    for country in Country.objects.all():
        language = COUNTRY_LANGUAGE.get(country.iso2, "en")
        for name_pattern, short_pattern in PARTY_PATTERNS[language]:
            name = name_pattern.format(c=country.name)
            slug = slugify(f"{name}-{country.iso2}")[:80]
            short = short_pattern.format(a=country.iso2)
            Party.objects.get_or_create(
                slug=slug,
                defaults={
                    "name": name,
                    "name_en": name if language == "en" else "",
                    "short_name": short,
                    "country": country,
                    "membership_status": MEMBERSHIP_STATUSES[len(slug) % len(MEMBERSHIP_STATUSES)],
                    "website": f"https://{short.lower()}.example.org/",
                    "youth_wing": f"Young {short}",
                },
            )


def _seed_taxonomies() -> None:
    for order, (slug, en, fr, es) in enumerate(TOPICS):
        Topic.objects.update_or_create(
            slug=slug, defaults={"name": en, "name_fr": fr, "name_es": es, "order": order}
        )
    for code, name, native in LANGUAGES:
        Language.objects.update_or_create(code=code, defaults={"name": name, "native_name": native})


def _seed_profiles() -> int:
    """Give every member without one a plausible profile (languages, topics, gender)."""
    missing = list(
        User.objects.filter(profile__isnull=True).select_related("country").order_by("pk")
    )
    if not missing:
        return 0
    rng = random.Random(7)
    languages = {lang.code: lang for lang in Language.objects.all()}
    topics = list(Topic.objects.all())
    genders = (
        [MemberProfile.Gender.WOMAN] * 5
        + [MemberProfile.Gender.MAN] * 4
        + [MemberProfile.Gender.NON_BINARY, MemberProfile.Gender.UNDISCLOSED]
    )
    from network import indexing

    profiles = []
    users = list(
        User.objects.filter(pk__in=[u.pk for u in missing]).select_related("country", "party")
    )
    for user in users:
        headline_pool = HEADLINES.get(user.role) or ["Alliance staff"]
        iso2 = user.country.iso2 if user.country else "GB"
        t1, t2 = rng.sample(topics, 2)
        mix = rng.choices(AUDIENCE_MIXES, weights=AUDIENCE_WEIGHTS)[0]
        if user.email.endswith("@alliance.example"):
            # Demo logins: findable by members so every role has someone to look at.
            mix = AUDIENCE_MIXES[3] if user.role == User.Role.PARLIAMENTARIAN else AUDIENCE_MIXES[1]
        is_mp = user.role == User.Role.PARLIAMENTARIAN
        profile = MemberProfile(
            user=user,
            headline=rng.choice(headline_pool),
            gender=rng.choice(genders),
            open_to_mentor=is_mp and rng.random() < 0.6,
            open_to_mentee=user.role == User.Role.YOUNG_LEADER and rng.random() < 0.7,
            years_in_office=rng.randint(1, 25) if is_mp else None,
            city=CITIES.get(iso2, ""),
            bio=rng.choice(BIO_TEMPLATES).format(
                t1=t1.name.lower(), t2=t2.name.lower(), city=CITIES.get(iso2, "my city")
            ),
            website=f"https://{(user.handle or 'member').replace('_', '-')}.example.org/",
            parliament=f"Parliament of {user.country.name}" if is_mp and user.country else "",
            chamber="Lower house" if is_mp else "",
            term_start=2020 + rng.randint(0, 4) if is_mp else None,
            term_end=2028 + rng.randint(0, 2) if is_mp else None,
            committees="Labour and social affairs\nClimate" if is_mp else "",
            organisation=(
                f"Young {user.party.short_name}"
                if user.role == User.Role.YOUNG_LEADER and user.party
                else ""
            ),
            position="Member of the board" if user.role == User.Role.YOUNG_LEADER else "",
            listing_audience=mix[0],
            photo_audience=mix[1],
            city_audience=mix[2],
            links_audience=mix[3],
            bio_audience=mix[4],
            email_audience=mix[5],
            onboarded_at=timezone.now(),
        )
        profiles.append(profile)
    missing = users
    created = MemberProfile.objects.bulk_create(profiles, batch_size=1000)
    if created and created[0].pk is None:
        created = list(MemberProfile.objects.filter(user__in=missing).select_related("user"))
    LanguageLink = MemberProfile.languages.through
    ExpertiseLink = MemberProfile.expertise.through
    InterestLink = MemberProfile.interests.through
    lang_rows, expertise_rows, interest_rows = [], [], []
    by_user = {u.pk: u for u in missing}
    for profile in created:
        user = by_user[profile.user_id]
        codes = set(COUNTRY_LANGUAGES.get(user.country.iso2 if user.country else "GB", ["en"]))
        if rng.random() < 0.6:
            codes.add("en")
        if rng.random() < 0.2:
            codes.add(rng.choice(["fr", "es"]))
        lang_rows += [
            LanguageLink(memberprofile_id=profile.pk, language_id=languages[c].pk)
            for c in sorted(codes)
        ]
        expertise_rows += [
            ExpertiseLink(memberprofile_id=profile.pk, topic_id=t.pk)
            for t in rng.sample(topics, rng.randint(1, 4))
        ]
        interest_rows += [
            InterestLink(memberprofile_id=profile.pk, topic_id=t.pk)
            for t in rng.sample(topics, rng.randint(2, 5))
        ]
    LanguageLink.objects.bulk_create(lang_rows, batch_size=2000)
    ExpertiseLink.objects.bulk_create(expertise_rows, batch_size=2000)
    InterestLink.objects.bulk_create(interest_rows, batch_size=2000)
    # bulk_create sends no signals: index the new profiles for the directory in bulk.
    indexing.sync_profiles(MemberProfile.objects.filter(directory_entry__isnull=True))
    return len(created)


def handle_for(display_name: str, n: int | None = None) -> str:
    base = slugify(display_name, allow_unicode=True).replace("-", "_")[:32] or "member"
    return f"{base}{n}" if n is not None else base


def _seed_fixed_members() -> None:
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import TOTP

    countries = {c.iso2: c for c in Country.objects.select_related("region")}
    for email, name, role, iso2, extra in FIXED_MEMBERS:
        country = countries[iso2]
        user = User.objects.filter(email=email).first()
        if user is None:
            user = User.objects.create_user(
                email=email,
                password=DEMO_PASSWORD,
                display_name=name,
                handle=handle_for(name),
                role=role,
                country=country,
                party=country.parties.first(),
                verified_at=timezone.now() if role == User.Role.PARLIAMENTARIAN else None,
                **extra,
            )
        EmailAddress.objects.get_or_create(
            user=user, email=email, defaults={"verified": True, "primary": True}
        )
        if (
            user.is_staff
            and not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
        ):
            TOTP.activate(user, DEMO_TOTP_SECRET)


def _seed_generated_members(scale: int) -> int:
    target = 240 * scale
    existing = User.objects.filter(email__endswith="@members.alliance.example").count()
    if existing >= target:
        return 0
    rng = random.Random(2026)
    countries = list(Country.objects.select_related("region").prefetch_related("parties"))
    parties = {c.pk: list(c.parties.all()) for c in countries}
    password = make_password(DEMO_PASSWORD)
    roles = [User.Role.YOUNG_LEADER] * 6 + [User.Role.PARLIAMENTARIAN] * 3 + [User.Role.PARTY_STAFF]
    created = 0
    batch: list[User] = []
    for n in range(existing, target):
        country = countries[n % len(countries)]
        region = country.region.code
        name = f"{rng.choice(FIRST_NAMES[region])} {rng.choice(LAST_NAMES[region])}"
        role = rng.choice(roles)
        status = (
            rng.choice(
                [User.ParliamentarianStatus.VERIFIED] * 4 + [User.ParliamentarianStatus.CLAIMED]
            )
            if role == User.Role.PARLIAMENTARIAN
            else User.ParliamentarianStatus.NONE
        )
        batch.append(
            User(
                email=f"member{n}@members.alliance.example",
                password=password,
                display_name=name,
                handle=handle_for(name, n),
                role=role,
                parliamentarian_status=status,
                country=country,
                party=rng.choice(parties[country.pk]) if parties[country.pk] else None,
                preferred_language=COUNTRY_LANGUAGE.get(country.iso2, "en")
                if COUNTRY_LANGUAGE.get(country.iso2, "en") in {"en", "fr", "es"}
                else "en",
                date_joined=timezone.now() - timezone.timedelta(days=rng.randint(0, 1500)),
            )
        )
        if len(batch) >= 2000:
            created += _flush_members(batch)
            batch = []
    created += _flush_members(batch)
    return created


def _flush_members(batch: list[User]) -> int:
    if not batch:
        return 0
    users = User.objects.bulk_create(batch, batch_size=1000)
    if users and users[0].pk is None:  # SQLite < 3.35 does not return ids
        users = list(User.objects.filter(email__in=[u.email for u in batch]))
    EmailAddress.objects.bulk_create(
        [EmailAddress(user=u, email=u.email, verified=True, primary=True) for u in users],
        batch_size=1000,
    )
    return len(users)


@transaction.atomic
def seed(*, scale: int = 1, stdout: TextIO | None = None) -> None:
    _seed_reference_data()
    _seed_taxonomies()
    _seed_fixed_members()
    created = _seed_generated_members(scale)
    _seed_profiles()
    if stdout:
        stdout.write(
            f"network: {Region.objects.count()} regions, {Country.objects.count()} countries, "
            f"{Party.objects.count()} parties, {User.objects.count()} members "
            f"({created} new)\n"
        )


def demo_logins() -> list[tuple[str, str, str]]:
    return [(email, str(role.label), name) for email, name, role, _iso, _extra in FIXED_MEMBERS]
