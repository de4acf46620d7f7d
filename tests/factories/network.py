from __future__ import annotations

import factory
from allauth.account.models import EmailAddress

from network.models import Country, Language, MemberProfile, Party, Region, Topic, User

PASSWORD = "correct-horse-battery-staple"


class RegionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Region
        django_get_or_create = ("code",)

    code = factory.Iterator(
        ["europe", "africa", "latin-america", "asia", "north-america", "middle-east", "pacific"]
    )
    name = factory.LazyAttribute(lambda o: o.code.replace("-", " ").title())


class CountryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Country
        django_get_or_create = ("iso2",)

    iso2 = factory.Sequence(lambda n: f"{chr(65 + (n // 26) % 26)}{chr(65 + n % 26)}")
    name = factory.Sequence(lambda n: f"Country {n}")
    region = factory.SubFactory(RegionFactory)


class PartyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Party

    name = factory.Sequence(lambda n: f"Progressive Party {n}")
    short_name = factory.Sequence(lambda n: f"PP{n}")
    slug = factory.Sequence(lambda n: f"progressive-party-{n}")
    country = factory.SubFactory(CountryFactory)


class UserFactory(factory.django.DjangoModelFactory):
    """A member with a verified email who can sign in with ``PASSWORD``."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"member{n}@example.org")
    display_name = factory.Faker("name")
    handle = factory.Sequence(lambda n: f"member{n}")
    role = User.Role.YOUNG_LEADER
    preferred_language = "en"
    country = factory.SubFactory(CountryFactory)
    party = None

    @factory.post_generation
    def password(obj: User, create: bool, extracted: str | None, **kwargs: object) -> None:
        obj.set_password(extracted or PASSWORD)
        if create:
            obj.save(update_fields=["password"])

    @factory.post_generation
    def verified_email(obj: User, create: bool, extracted: bool | None, **kwargs: object) -> None:
        if create and extracted is not False:
            EmailAddress.objects.create(user=obj, email=obj.email, verified=True, primary=True)

    class Params:
        parliamentarian = factory.Trait(
            role=User.Role.PARLIAMENTARIAN,
            parliamentarian_status=User.ParliamentarianStatus.VERIFIED,
        )
        staff = factory.Trait(role=User.Role.ALLIANCE_STAFF, is_staff=True)
        moderator = factory.Trait(role=User.Role.MODERATOR, is_staff=True)


class TopicFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Topic
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"topic-{n}")
    name = factory.Sequence(lambda n: f"Topic {n}")


class LanguageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Language
        django_get_or_create = ("code",)

    code = factory.Iterator(["en", "fr", "es", "pt", "sw"])
    name = factory.LazyAttribute(lambda o: {"en": "English", "fr": "French"}.get(o.code, o.code))


def make_profile(user: User, **fields: object) -> MemberProfile:
    """Give ``user`` a profile through the service, so the directory's derived columns are set.

    Many-to-many values (``languages``, ``expertise``, ``interests``) may be passed as lists.
    """
    from network import services

    m2m = {key: fields.pop(key) for key in ("languages", "expertise", "interests") if key in fields}
    profile = services.ensure_profile(member=user)
    for key, value in fields.items():
        setattr(profile, key, value)
    return services.save_profile(member=user, profile=profile, **m2m)  # type: ignore[arg-type]


class MemberFactory(UserFactory):
    """A member with a profile (default audiences), findable by signed-in members."""

    @factory.post_generation
    def with_profile(obj: User, create: bool, extracted: dict | None, **kwargs: object) -> None:
        if create:
            make_profile(obj, **(extracted or {}), **kwargs)
