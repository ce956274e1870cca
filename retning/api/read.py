"""Read operations: everything the public site shows, anonymous, paginated where it is a list."""

from collections.abc import Callable, Sequence
from typing import Any

from django.db.models import Model, Prefetch, QuerySet
from django.http import HttpRequest, HttpResponse
from ninja import Path, Query, Router

from retning.actors.models import Organisation, UserGroup
from retning.alignment.models import RelatedDocument
from retning.indicators.models import Indicator
from retning.indicators.selectors import headline_assessments
from retning.publishing import selectors
from retning.publishing.filters import RoadmapFilterForm
from retning.roadmap.models import Delivery, Initiative
from retning.strategy.models import Goal, Strategy, SubGoal, Theme

from . import representations as rep
from .problems import (
    PROBLEM_TYPES,
    clean_identifier,
    form_validation_problem,
    missing,
    request_language,
)
from .schemas import (
    ApiIndex,
    DeliveryOut,
    DocumentOut,
    GoalDetail,
    GoalOut,
    IndicatorDetail,
    IndicatorPage,
    InitiativeDetail,
    InitiativeFilters,
    InitiativeOut,
    ObservationOut,
    OrganisationDetail,
    OrganisationOut,
    Page,
    PageParams,
    Problem,
    ProblemTypeOut,
    StrategyOut,
    SubGoalDetail,
    SubGoalOut,
    TargetOut,
    ThemeDetail,
    ThemeOut,
    UserGroupOut,
)

router = Router()

# Ids beyond what the database can hold are simply not there (and must not reach SQLite).
MAX_ID = 2**63 - 1
ONE = {304: None, 404: Problem, 422: Problem, 500: Problem}
MANY = {304: None, 422: Problem, 500: Problem}


def _page(
    request: HttpRequest,
    response: HttpResponse,
    items: QuerySet[Any] | Sequence[Any],
    params: PageParams,
    serialize: Callable[[Any], dict[str, Any]],
) -> dict[str, Any]:
    """One page of a list, with links to its neighbours in the body and in a Link header."""
    count = items.count() if isinstance(items, QuerySet) else len(items)
    window = items[params.offset : params.offset + params.limit]

    def link(offset: int) -> str:
        query = request.GET.copy()
        query["offset"] = str(offset)
        query["limit"] = str(params.limit)
        return request.build_absolute_uri(f"{request.path}?{query.urlencode()}")

    next_link = link(params.offset + params.limit) if params.offset + params.limit < count else None
    previous_link = link(max(params.offset - params.limit, 0)) if params.offset > 0 else None
    relations = [(next_link, "next"), (previous_link, "prev")]
    header = ", ".join(f'<{url}>; rel="{rel}"' for url, rel in relations if url)
    if header:
        response["Link"] = header
    return {
        "count": count,
        "limit": params.limit,
        "offset": params.offset,
        "next": next_link,
        "previous": previous_link,
        "items": [serialize(item) for item in window],
    }


def _get[M: Model](queryset: QuerySet[M], resource: str, identifier: object, **lookup: Any) -> M:
    found = queryset.filter(**lookup).first()
    if found is None:
        raise missing(resource, identifier)
    return found


def _strategy() -> Strategy:
    strategy = Strategy.current()
    if strategy is None:
        raise missing("strategy")
    return strategy


# --- Index and problem types -------------------------------------------------------------------


@router.get(
    "",
    response={200: ApiIndex, 304: None, 500: Problem},
    operation_id="getIndex",
    summary="Oversikt over API-et",
    tags=["Oversikt"],
    url_name="index",
)
def get_index(request: HttpRequest) -> dict[str, Any]:
    """Lenker til dokumentasjonen og til hver samling av ressurser."""
    links = rep.Links(request)
    collections = [
        "strategy",
        "goals",
        "subgoals",
        "indicators",
        "initiatives",
        "organisations",
        "user-groups",
        "themes",
        "documents",
        "problems",
    ]
    return {
        "title": "Retning API",
        "description": "Åpne data om Nasjonal e-helsestrategi 2023–2030 og planen for realisering.",
        "openapi": links.api("openapi.json"),
        "docs": links.api("docs"),
        "resources": {name: links.api(name) for name in collections},
    }


def _problem_type_out(request: HttpRequest, slug: str) -> dict[str, Any]:
    kind = PROBLEM_TYPES[slug]
    return {
        "type": rep.Links(request).api("problems", slug),
        "slug": slug,
        "status": kind.status,
        "title": kind.title.nb,
        "title_en": kind.title.en,
        "description": kind.description.nb,
        "description_en": kind.description.en,
    }


@router.get(
    "/problems",
    response={200: list[ProblemTypeOut], **MANY},
    operation_id="listProblemTypes",
    summary="Feiltypene API-et kan svare med",
    tags=["Oversikt"],
)
def list_problem_types(request: HttpRequest) -> list[dict[str, Any]]:
    """Hver feiltype (feltet «type» i et problem+json-svar) med forklaring på norsk og engelsk."""
    return [_problem_type_out(request, slug) for slug in PROBLEM_TYPES]


@router.get(
    "/problems/{slug}",
    response={200: ProblemTypeOut, **ONE},
    operation_id="getProblemType",
    summary="Én feiltype",
    tags=["Oversikt"],
    url_name="problem_type",
)
def get_problem_type(request: HttpRequest, slug: str) -> dict[str, Any]:
    """Forklaringen av feiltypen som adressen i «type» peker på."""
    if slug not in PROBLEM_TYPES:
        raise missing("problem-type", slug)
    return _problem_type_out(request, slug)


# --- Strategy -----------------------------------------------------------------------------------


@router.get(
    "/strategy",
    response={200: StrategyOut, **ONE},
    operation_id="getStrategy",
    summary="Strategien",
    tags=["Strategi"],
)
def get_strategy(request: HttpRequest) -> dict[str, Any]:
    """Nasjonal e-helsestrategi: visjon, periode, eier, kilder og de strategiske målene."""
    strategy = _strategy()
    return rep.strategy_out(strategy, rep.Links(request))


def _goals() -> QuerySet[Goal]:
    return Goal.objects.filter(strategy=_strategy()).prefetch_related(
        Prefetch("subgoals", queryset=SubGoal.objects.order_by("code"))
    )


@router.get(
    "/goals",
    response={200: Page[GoalOut], **MANY},
    operation_id="listGoals",
    summary="Strategiske mål",
    tags=["Strategi"],
)
def list_goals(
    request: HttpRequest, response: HttpResponse, page: Query[PageParams]
) -> dict[str, Any]:
    """De strategiske målene i nummerrekkefølge, med delmålene sine."""
    links = rep.Links(request)
    return _page(request, response, _goals(), page, lambda g: rep.goal_out(g, links))


@router.get(
    "/goals/{number}",
    response={200: GoalDetail, **ONE},
    operation_id="getGoal",
    summary="Ett strategisk mål",
    tags=["Strategi"],
)
def get_goal(request: HttpRequest, number: Path[int]) -> dict[str, Any]:
    """Målet med delmål, målindikatorer og kilder. Adressen bruker målets nummer."""
    if not 0 < number <= MAX_ID:
        raise missing("goal", number)
    queryset = _goals().prefetch_related("indicators", "sources")
    goal = _get(queryset, "goal", number, number=number)
    return rep.goal_detail(goal, rep.Links(request))


def _subgoals() -> QuerySet[SubGoal]:
    return (
        SubGoal.objects.filter(strategy=_strategy())
        .select_related("goal")
        .prefetch_related("benefit_objectives", "groupings", "themes")
        .order_by("code")
    )


@router.get(
    "/subgoals",
    response={200: Page[SubGoalOut], **MANY},
    operation_id="listSubGoals",
    summary="Delmål",
    tags=["Strategi"],
)
def list_subgoals(
    request: HttpRequest, response: HttpResponse, page: Query[PageParams]
) -> dict[str, Any]:
    """Alle delmål med nyttemålsetninger, veikartets grupperinger og tverrgående forutsetninger."""
    links = rep.Links(request)
    return _page(request, response, _subgoals(), page, lambda s: rep.subgoal_out(s, links))


@router.get(
    "/subgoals/{code}",
    response={200: SubGoalDetail, **ONE},
    operation_id="getSubGoal",
    summary="Ett delmål",
    tags=["Strategi"],
)
def get_subgoal(request: HttpRequest, code: str) -> dict[str, Any]:
    """Delmålet med nyttemålsetninger, grupperinger og indikatorer. Adressen bruker koden, f.eks. 1A."""
    code = clean_identifier(code, "subgoal").upper()
    queryset = _subgoals().prefetch_related("indicators", "sources")
    subgoal = _get(queryset, "subgoal", code, code=code)
    count = selectors.active_initiatives().filter(subgoal=subgoal).count()
    return rep.subgoal_detail(subgoal, rep.Links(request), count)


# --- Themes and documents ----------------------------------------------------------------------


@router.get(
    "/themes",
    response={200: Page[ThemeOut], **MANY},
    operation_id="listThemes",
    summary="Tverrgående forutsetninger",
    tags=["Strategi"],
)
def list_themes(
    request: HttpRequest, response: HttpResponse, page: Query[PageParams]
) -> dict[str, Any]:
    """Forutsetninger som gjelder på tvers av målene, som digital sikkerhet."""
    links = rep.Links(request)
    themes = Theme.objects.order_by("name")
    return _page(request, response, themes, page, lambda t: rep.theme_out(t, links))


@router.get(
    "/themes/{slug}",
    response={200: ThemeDetail, **ONE},
    operation_id="getTheme",
    summary="Én tverrgående forutsetning",
    tags=["Strategi"],
)
def get_theme(request: HttpRequest, slug: str) -> dict[str, Any]:
    """Forutsetningen med delmålene, indikatorene, initiativene og dokumentene som gjelder den."""
    slug = clean_identifier(slug, "theme")
    theme = _get(Theme.objects.all(), "theme", slug, slug=slug)
    links = rep.Links(request)
    initiatives = selectors.roadmap_queryset().filter(themes=theme)
    documents = theme.related_documents.prefetch_related("themes")
    return {
        **rep.theme_out(theme, links),
        "subgoals": [rep.subgoal_ref(s, links) for s in theme.subgoals.order_by("code")],
        "indicators": [rep.indicator_ref(i, links) for i in theme.indicators.all()],
        "initiatives": [rep.initiative_ref(i, links) for i in initiatives],
        "documents": [rep.document_out(d, links) for d in documents],
    }


@router.get(
    "/documents",
    response={200: Page[DocumentOut], **MANY},
    operation_id="listDocuments",
    summary="Relaterte dokumenter",
    tags=["Strategi"],
)
def list_documents(
    request: HttpRequest, response: HttpResponse, page: Query[PageParams]
) -> dict[str, Any]:
    """Strategier, planer og meldinger som e-helsestrategien henger sammen med."""
    links = rep.Links(request)
    documents = RelatedDocument.objects.prefetch_related("themes").order_by("title", "pk")
    return _page(request, response, documents, page, lambda d: rep.document_out(d, links))


# --- Organisations ------------------------------------------------------------------------------


@router.get(
    "/organisations",
    response={200: Page[OrganisationOut], **MANY},
    operation_id="listOrganisations",
    summary="Aktører",
    tags=["Aktører"],
)
def list_organisations(
    request: HttpRequest, response: HttpResponse, page: Query[PageParams]
) -> dict[str, Any]:
    """Virksomhetene som eier initiativer eller har ansvar for indikatorer, i navnerekkefølge."""
    links = rep.Links(request)
    organisations = Organisation.objects.select_related("parent").order_by("name", "pk")
    return _page(request, response, organisations, page, lambda o: rep.organisation_out(o, links))


@router.get(
    "/organisations/{slug}",
    response={200: OrganisationDetail, **ONE},
    operation_id="getOrganisation",
    summary="Én aktør",
    tags=["Aktører"],
)
def get_organisation(request: HttpRequest, slug: str) -> dict[str, Any]:
    """Aktøren med underordnede aktører, initiativene den eier og indikatorene den har ansvar for."""
    slug = clean_identifier(slug, "organisation")
    queryset = Organisation.objects.select_related("parent").prefetch_related("children")
    organisation = _get(queryset, "organisation", slug, slug=slug)
    links = rep.Links(request)
    initiatives = selectors.roadmap_queryset().filter(owners=organisation)
    indicators = Indicator.objects.filter(responsible=organisation)
    return {
        **rep.organisation_out(organisation, links),
        "children": [rep.organisation_ref(c, links) for c in organisation.children.all()],
        "initiatives": [rep.initiative_ref(i, links) for i in initiatives],
        "indicators": [rep.indicator_ref(i, links) for i in indicators],
    }


@router.get(
    "/user-groups",
    response={200: Page[UserGroupOut], **MANY},
    operation_id="listUserGroups",
    summary="Brukergrupper",
    tags=["Aktører"],
)
def list_user_groups(
    request: HttpRequest, response: HttpResponse, page: Query[PageParams]
) -> dict[str, Any]:
    """Brukergruppene initiativene retter seg mot (verdiene filteret «brukergruppe» tar)."""
    groups = UserGroup.objects.order_by("name", "pk")
    return _page(request, response, groups, page, rep.user_group_out)


# --- Indicators ---------------------------------------------------------------------------------


def _indicators() -> QuerySet[Indicator]:
    return Indicator.objects.select_related("goal", "subgoal", "responsible").prefetch_related(
        "targets"
    )


@router.get(
    "/indicators",
    response={200: IndicatorPage, **MANY},
    operation_id="listIndicators",
    summary="Målindikatorer",
    tags=["Indikatorer"],
)
def list_indicators(
    request: HttpRequest, response: HttpResponse, page: Query[PageParams]
) -> dict[str, Any]:
    """Alle målindikatorer. «example_data» sier om en indikator har målverdier som er eksempeldata.

    «assessment» er vurderingen av hovedserien mot målet, med tallene den bygger på.
    """
    links = rep.Links(request)
    # A strategy has tens of indicators, so all are read and assessed (headline series only,
    # three queries) rather than a page at a time.
    indicators = list(_indicators())
    assessed = headline_assessments(indicators)
    result = _page(
        request, response, indicators, page, lambda i: rep.indicator_out(i, links, assessed[i.pk])
    )
    result["example_data"] = any(item["example_data"] for item in result["items"])
    return result


def _indicator(code: str) -> Indicator:
    code = clean_identifier(code, "indicator")
    queryset = _indicators().prefetch_related("observations", "themes", "sources")
    return _get(queryset, "indicator", code, code=code)


@router.get(
    "/indicators/{code}",
    response={200: IndicatorDetail, **ONE},
    operation_id="getIndicator",
    summary="Én målindikator med målverdier og målinger",
    tags=["Indikatorer"],
)
def get_indicator(request: HttpRequest, code: str) -> dict[str, Any]:
    """Indikatoren med utgangsverdi, målverdier og alle målinger.

    Tall som ikke er publiserte, er merket med `is_example = true`, og hele svaret har
    `example_data = true` og en forklaring i `example_data_notice` når minst ett tall er det.
    """
    indicator = _indicator(code)
    assessed = headline_assessments([indicator])
    return rep.indicator_detail(indicator, rep.Links(request), assessed.get(indicator.pk))


@router.get(
    "/indicators/{code}/targets/{period}",
    response={200: TargetOut, **ONE},
    operation_id="getTarget",
    summary="Én målverdi",
    tags=["Indikatorer"],
)
def get_target(request: HttpRequest, code: str, period: str) -> dict[str, Any]:
    """Målverdien for en periode, med versjonen en endring må oppgi."""
    indicator = _indicator(code)
    period = clean_identifier(period, "target")
    target = _get(indicator.targets.all(), "target", period, period=period)
    return rep.target_out(target, indicator, rep.Links(request))


@router.get(
    "/indicators/{code}/observations/{observation_id}",
    response={200: ObservationOut, **ONE},
    operation_id="getObservation",
    summary="Én måling",
    tags=["Indikatorer"],
)
def get_observation(request: HttpRequest, code: str, observation_id: int) -> dict[str, Any]:
    """Målingen, med versjonen en endring må oppgi."""
    indicator = _indicator(code)
    if not 0 < observation_id <= MAX_ID:
        raise missing("observation", observation_id)
    observation = _get(
        indicator.observations.all(), "observation", observation_id, pk=observation_id
    )
    return rep.observation_out(observation, indicator, rep.Links(request))


# --- Roadmap ------------------------------------------------------------------------------------


@router.get(
    "/initiatives",
    response={200: Page[InitiativeOut], **MANY},
    operation_id="listInitiatives",
    summary="Initiativer i veikartet",
    tags=["Veikart"],
)
def list_initiatives(
    request: HttpRequest,
    response: HttpResponse,
    page: Query[PageParams],
    filters: Query[InitiativeFilters],
) -> dict[str, Any]:
    """Initiativene i gjeldende veikart, med de samme filtrene og i samme rekkefølge som /veikart/.

    Ukjente filterverdier gir 422 med en forklaring per parameter.
    """
    data = {name: str(value) for name, value in filters.model_dump().items() if value is not None}
    form = RoadmapFilterForm(data)
    if not form.is_valid():
        raise form_validation_problem(form.errors, request_language(request))
    initiatives = form.apply(_roadmap())
    links = rep.Links(request)
    return _page(request, response, initiatives, page, lambda i: rep.initiative_out(i, links))


def _roadmap() -> QuerySet[Initiative]:
    """The roadmap page's selection and order, but with every column: the API shows more than a
    table row does, and deferred columns would cost a query per initiative."""
    return (
        selectors.roadmap_queryset().defer(None).prefetch_related(None).prefetch_related("owners")
    )


def initiative_queryset() -> QuerySet[Initiative]:
    return Initiative.objects.select_related(
        "subgoal__goal", "grouping", "roadmap_version", "retired_in"
    ).prefetch_related("owners", "user_groups", "themes", "other_goals", "deliveries")


def initiative_get(external_id: str) -> Initiative:
    external_id = clean_identifier(external_id, "initiative")
    return _get(initiative_queryset(), "initiative", external_id, external_id=external_id)


@router.get(
    "/initiatives/{external_id}",
    response={200: InitiativeDetail, **ONE},
    operation_id="getInitiative",
    summary="Ett initiativ med leveranser og eiere",
    tags=["Veikart"],
)
def get_initiative(request: HttpRequest, external_id: str) -> dict[str, Any]:
    """Initiativet med eiere, brukergrupper, faser, datoer og leveranser. Adressen bruker Leveranse-ID."""
    return rep.initiative_detail(initiative_get(external_id), rep.Links(request))


@router.get(
    "/initiatives/{external_id}/deliveries/{delivery_id}",
    response={200: DeliveryOut, **ONE},
    operation_id="getDelivery",
    summary="Én leveranse i et initiativ",
    tags=["Veikart"],
)
def get_delivery(request: HttpRequest, external_id: str, delivery_id: int) -> dict[str, Any]:
    """Leveransen (milepælen), med versjonen en endring må oppgi."""
    initiative = initiative_get(external_id)
    if not 0 < delivery_id <= MAX_ID:
        raise missing("delivery", delivery_id)
    delivery = _get(
        Delivery.objects.filter(initiative=initiative), "delivery", delivery_id, pk=delivery_id
    )
    return rep.delivery_out(delivery, initiative, rep.Links(request))
