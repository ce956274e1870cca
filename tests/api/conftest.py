"""Fixtures for the API tests: users in each role, their tokens, and a clean throttle."""

from collections.abc import Callable, Iterator

import pytest
from django.core.cache import cache
from django.test import Client

from retning.accounts.models import ApiToken, User
from retning.actors.models import Organisation
from retning.indicators.models import Indicator
from retning.roadmap.models import Initiative

API = "/api/v1"


@pytest.fixture(autouse=True)
def _fresh_throttle() -> Iterator[None]:
    # The write throttle counts in the cache, which outlives a test's database transaction.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def api() -> Client:
    return Client()


@pytest.fixture
def make_user(db: None) -> Callable[..., User]:
    counter = iter(range(1, 10_000))

    def make(*, reporter_for: list[Organisation] = (), **roles: bool) -> User:  # type: ignore[assignment]
        user = User.objects.create_user(username=f"user{next(counter)}", **roles)
        user.reporter_for.set(reporter_for)
        return user

    return make


@pytest.fixture
def bearer() -> Callable[[User], dict[str, str]]:
    def headers(user: User) -> dict[str, str]:
        _, secret = ApiToken.issue(user=user, name="test")
        return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}

    return headers


@pytest.fixture
def hdir(seeded: None) -> Organisation:
    return Organisation.objects.get(key="HDIR")


@pytest.fixture
def owned_initiative(hdir: Organisation) -> Initiative:
    """An active initiative that Helsedirektoratet owns."""
    initiative = (
        Initiative.objects.filter(owners=hdir, retired_in__isnull=True).order_by("pk").first()
    )
    assert initiative is not None
    return initiative


@pytest.fixture
def hdir_indicator(hdir: Organisation) -> Indicator:
    """An indicator Helsedirektoratet is responsible for, with observations."""
    indicator = Indicator.objects.filter(responsible=hdir, observations__isnull=False).first()
    assert indicator is not None
    return indicator


@pytest.fixture
def other_organisation(owned_initiative: Initiative, hdir_indicator: Indicator) -> Organisation:
    """An organisation that neither owns the initiative nor answers for the indicator."""
    organisation = (
        Organisation.objects.exclude(pk__in=owned_initiative.owners.all())
        .exclude(pk=hdir_indicator.responsible_id)
        .order_by("key")
        .first()
    )
    assert organisation is not None
    return organisation


@pytest.fixture
def secretariat(make_user: Callable[..., User]) -> User:
    return make_user(is_secretariat=True)
