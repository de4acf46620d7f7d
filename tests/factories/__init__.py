"""factory_boy factories for every model. One module per app; import from here."""

from tests.factories import cms  # noqa: F401
from tests.factories.forums import CategoryFactory, make_thread  # noqa: F401
from tests.factories.mentoring import make_mentee_request, make_offer  # noqa: F401
from tests.factories.network import (  # noqa: F401
    CountryFactory,
    LanguageFactory,
    MemberFactory,
    PartyFactory,
    RegionFactory,
    TopicFactory,
    UserFactory,
    make_profile,
)
