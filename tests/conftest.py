"""Shared fixtures: the default dataset is loaded once per test database and kept between tests."""

from collections.abc import Iterator

import pytest
from django.conf import settings
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from hypothesis import settings as hypothesis_settings

from retning.dataset.services import dataset_seed
from retning.strategy.models import Strategy

# Shared machines are slow at times; a per-example deadline would make property tests flaky.
hypothesis_settings.register_profile("retning", deadline=None)
hypothesis_settings.load_profile("retning")


@pytest.fixture(scope="session")
def django_db_setup(
    django_db_setup: None, django_db_blocker: pytest.FixtureRequest
) -> Iterator[None]:
    with django_db_blocker.unblock():  # type: ignore[attr-defined]
        dataset_seed()
    yield


@pytest.fixture
def seeded(db: None) -> None:
    """The default dataset, also after a transactional (live-server) test has flushed the database."""
    if not Strategy.objects.exists():
        dataset_seed()


@pytest.fixture(autouse=True)
def _default_language() -> Iterator[None]:
    """Start every test in bokmål: a test-client request to /en/ leaves English active in the thread."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def count_queries() -> type[CaptureQueriesContext]:
    return CaptureQueriesContext


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # Browser tests use a live server, which empties the database afterwards; run them last so
    # that the other tests keep the dataset loaded once per session.
    items.sort(key=lambda item: item.get_closest_marker("browser") is not None)
