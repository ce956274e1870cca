"""Shapes of the API's requests and responses (they are what the OpenAPI document shows).

Resources are addressed by public identifiers (goal number, sub-goal code, indicator code,
Leveranse-ID, slugs). Deliveries and observations have no public identifier of their own, so their
id is only ever used below the initiative or indicator they belong to.
"""

from datetime import date
from decimal import Decimal
from typing import Any, Literal

from ninja import Field, Schema
from pydantic import ConfigDict

# --- Shared -------------------------------------------------------------------------------------


class FieldError(Schema):
    location: str = Field(description="Hvor verdien står: body, query eller path.")
    field: str = Field(description="Feltets navn; tomt når feilen gjelder hele objektet.")
    pointer: str | None = Field(None, description="JSON Pointer til feltet i innholdet.")
    detail: str


class Problem(Schema):
    """RFC 9457 problem details."""

    type: str
    title: str
    status: int
    detail: str
    instance: str
    errors: list[FieldError] | None = Field(None, description="Ved 422: én oppføring per felt.")
    current: dict[str, Any] | None = Field(
        None, description="Ved 409: ressursen slik den er lagret nå."
    )
    current_version: int | None = Field(None, description="Ved 409: gjeldende versjon.")
    retry_after: int | None = Field(None, description="Ved 429: sekunder å vente.")


class ProblemTypeOut(Schema):
    type: str
    slug: str
    status: int
    title: str
    title_en: str
    description: str
    description_en: str


class ApiIndex(Schema):
    title: str
    description: str
    openapi: str
    docs: str
    resources: dict[str, str]


class Ref(Schema):
    url: str = Field(description="Ressursen i API-et.")


class GoalRef(Ref):
    number: int
    title: str


class SubGoalRef(Ref):
    code: str
    title: str


class ThemeRef(Ref):
    slug: str
    name: str


class OrganisationRef(Ref):
    slug: str
    key: str
    name: str
    short_name: str


class IndicatorRef(Ref):
    code: str
    name: str


class InitiativeRef(Ref):
    external_id: str = Field(description="Leveranse-ID fra veikarteksporten.")
    title: str


class SourceOut(Schema):
    key: str
    title: str
    link: str


# --- Strategy -----------------------------------------------------------------------------------


class StrategyOut(Schema):
    title: str
    title_en: str
    short_title: str
    vision: str
    vision_en: str
    vision_explained: str
    period_start: int
    period_end: int
    owner: OrganisationRef | None
    sources: list[SourceOut]
    goals: list[GoalRef]
    version: int


class GoalOut(GoalRef):
    title_en: str
    description: str
    kind: Literal["direct", "enabling"]
    kind_label: str
    web_url: str
    version: int
    subgoals: list[SubGoalRef]


class GoalDetail(GoalOut):
    indicators: list[IndicatorRef]
    sources: list[SourceOut]


class GroupingOut(Schema):
    title: str
    order: int


class SubGoalOut(SubGoalRef):
    goal: GoalRef
    title_en: str
    description: str
    benefit_objectives: list[str] = Field(description="Nyttemålsetningene, i rekkefølge.")
    groupings: list[GroupingOut] = Field(description="Veikartets grupperinger under delmålet.")
    themes: list[ThemeRef]
    web_url: str
    version: int


class SubGoalDetail(SubGoalOut):
    indicators: list[IndicatorRef]
    initiative_count: int
    sources: list[SourceOut]


class ThemeOut(ThemeRef):
    name_en: str
    description: str
    web_url: str


class DocumentOut(Schema):
    title: str
    issuer: str
    kind: str
    kind_label: str
    period_start: int | None
    period_end: int | None
    link: str
    relation: str
    relation_label: str
    relation_description: str
    themes: list[ThemeRef]


class ThemeDetail(ThemeOut):
    subgoals: list[SubGoalRef]
    indicators: list[IndicatorRef]
    initiatives: list[InitiativeRef]
    documents: list[DocumentOut]


# --- Actors -------------------------------------------------------------------------------------


class OrganisationOut(OrganisationRef):
    kind: str
    kind_label: str
    org_number: str
    parent: OrganisationRef | None
    website: str
    description: str
    former: bool
    web_url: str


class OrganisationDetail(OrganisationOut):
    children: list[OrganisationRef]
    initiatives: list[InitiativeRef]
    indicators: list[IndicatorRef]


class UserGroupOut(Schema):
    slug: str
    name: str
    name_en: str
    confirmed: bool


# --- Indicators ---------------------------------------------------------------------------------

EXAMPLE_DATA_DESCRIPTION = (
    "Sann når minst ett tall i svaret er eksempeldata og ikke et publisert tall. Hvert tall har "
    "sitt eget flagg (is_example)."
)


class BaselineOut(Schema):
    period: str
    value: float
    is_example: bool


class TargetOut(Schema):
    url: str
    period: str
    value: float
    is_example: bool = Field(description="Målverdien er eksempeldata, ikke publisert.")
    version: int


class ObservationOut(Schema):
    url: str
    id: int
    period: str
    period_start: date
    value: float | None
    breakdown_dimension: str
    breakdown_value: str
    status: str
    source: str
    note: str
    is_example: bool = Field(
        description="Målinger er alltid publiserte tall; feltet er med for å gjøre det tydelig."
    )
    version: int


class AssessmentOut(Schema):
    status: str = Field(
        description="Vurderingen som vises (en overstyring går foran den beregnede)."
    )
    status_label: str
    computed_status: str = Field(description="Den beregnede vurderingen.")
    method: str
    inputs: dict[str, Any] = Field(
        description="Tallene bak vurderingen: utgangsår og -verdi, siste år og verdi, mål, "
        "endringstakt, forhold og terskler."
    )
    reason: str | None = Field(
        description="Hvorfor serien ikke kan vurderes, når den ikke kan det."
    )
    reason_code: str | None
    explanation_nb: str
    explanation_en: str
    overridden: bool
    override_reason: str | None


class IndicatorOut(IndicatorRef):
    name_en: str
    goal: GoalRef
    subgoal: SubGoalRef | None
    unit: str
    unit_label: str
    decimals: int
    direction: str
    frequency: str
    responsible: OrganisationRef | None
    example_data: bool = Field(description=EXAMPLE_DATA_DESCRIPTION)
    web_url: str
    version: int
    assessment: AssessmentOut | None = Field(
        default=None, description="Vurderingen av hovedserien (uten inndeling) mot målet."
    )


class IndicatorDetail(IndicatorOut):
    definition: str
    data_source: str
    methodology_note: str
    themes: list[ThemeRef]
    sources: list[SourceOut]
    baseline: BaselineOut | None
    targets: list[TargetOut]
    observations: list[ObservationOut]
    example_data_notice: str | None = Field(
        description="En forklaring når svaret inneholder eksempeldata."
    )


# --- Roadmap ------------------------------------------------------------------------------------


class PhaseOut(Schema):
    number: int
    label: str


class DeliveryOut(Schema):
    url: str
    id: int
    title: str
    kind: str
    kind_label: str
    planned_date: date | None
    actual_date: date | None
    version: int


class InitiativeOut(InitiativeRef):
    subgoal: SubGoalRef
    grouping: str | None
    phase_first: PhaseOut | None
    phase_last: PhaseOut | None
    priority: Literal[1, 2, 3] | None = Field(
        None, description="Prioritet vedtatt i rådsmodellen: 1 høy, 2 middels, 3 lav."
    )
    planning_status: Literal["planned", "tentative"]
    start_date: date | None
    end_date: date | None
    owners: list[OrganisationRef]
    web_url: str
    version: int


class InitiativeDetail(InitiativeOut):
    description: str
    other_goals: list[GoalRef]
    user_groups: list[UserGroupOut]
    themes: list[ThemeRef]
    level: str
    owners_basis: str
    roadmap_version: str | None
    retired_in: str | None
    deliveries: list[DeliveryOut]


# --- Pages --------------------------------------------------------------------------------------


class Page[T](Schema):
    count: int = Field(description="Antall treff i alt.")
    limit: int
    offset: int
    next: str | None = Field(description="Neste side, eller null på siste side.")
    previous: str | None = Field(description="Forrige side, eller null på første side.")
    items: list[T]


class IndicatorPage(Page[IndicatorOut]):
    example_data: bool = Field(description=EXAMPLE_DATA_DESCRIPTION)


# --- Query parameters ---------------------------------------------------------------------------

MAX_OFFSET = 100_000


class PageParams(Schema):
    limit: int = Field(50, ge=1, le=200, description="Hvor mange per side (1–200).")
    offset: int = Field(0, ge=0, le=MAX_OFFSET, description="Hvor mange som hoppes over.")


class InitiativeFilters(Schema):
    """The same filters as /veikart/, with the same names."""

    mal: int | None = Field(None, ge=1, le=32767, description="Målnummer.")
    delmal: str | None = Field(None, max_length=10, description="Delmålskode, f.eks. 1A.")
    fase: int | None = Field(None, ge=1, le=5, description="Initiativer som er i denne fasen.")
    status: Literal["planned", "tentative"] | None = Field(None, description="Planleggingsstatus.")
    eier: str | None = Field(None, max_length=80, description="Aktørens adresse (slug).")
    brukergruppe: str | None = Field(None, max_length=80, description="Brukergruppens slug.")
    tema: str | None = Field(None, max_length=80, description="Tverrgående forutsetning (slug).")
    q: str | None = Field(None, max_length=200, description="Fritekst i tittel og beskrivelse.")


class VersionParam(Schema):
    version: int = Field(
        ge=1, le=2_147_483_647, description="Versjonen du sist hentet; stemmer den ikke, 409."
    )


# --- Write payloads -----------------------------------------------------------------------------
# Every field but ``version`` may be left out; only the fields sent are changed. Unknown fields
# are refused so that a typo does not silently change nothing.

_VERSION = Field(ge=1, le=2_147_483_647, description="Versjonen du sist hentet.")


class WritePayload(Schema):
    model_config = ConfigDict(extra="forbid")


class InitiativePatch(WritePayload):
    version: int = _VERSION
    title: str = Field(None, min_length=1, max_length=400)  # type: ignore[assignment]
    description: str = Field(None, max_length=20_000)  # type: ignore[assignment]
    phase_first: int | None = Field(None, ge=1, le=5)
    phase_last: int | None = Field(None, ge=1, le=5)
    planning_status: Literal["planned", "tentative"] = None  # type: ignore[assignment]
    start_date: date | None = None
    end_date: date | None = None


class DeliveryCreate(WritePayload):
    title: str = Field(min_length=1, max_length=300)
    kind: Literal["available", "provisional", "completed"]
    planned_date: date | None = None
    actual_date: date | None = None


class DeliveryPatch(WritePayload):
    version: int = _VERSION
    title: str = Field(None, min_length=1, max_length=300)  # type: ignore[assignment]
    kind: Literal["available", "provisional", "completed"] = None  # type: ignore[assignment]
    planned_date: date | None = None
    actual_date: date | None = None


ObservationStatus = Literal["", "approximate", "provisional", "not_available", "confidential"]
_DECIMAL = Field(None, max_digits=20, decimal_places=6, allow_inf_nan=False)


class ObservationCreate(WritePayload):
    period: str = Field(min_length=4, max_length=10, description="F.eks. 2025, 2025H1, 2025-03.")
    value: Decimal | None = _DECIMAL
    breakdown_dimension: str = Field("", max_length=40)
    breakdown_value: str = Field("", max_length=120)
    status: ObservationStatus = ""
    source: str = Field("", max_length=300)
    note: str = Field("", max_length=5_000)


class ObservationPatch(WritePayload):
    version: int = _VERSION
    value: Decimal | None = _DECIMAL
    status: ObservationStatus = None  # type: ignore[assignment]
    source: str = Field(None, max_length=300)  # type: ignore[assignment]
    note: str = Field(None, max_length=5_000)  # type: ignore[assignment]


class TargetPatch(WritePayload):
    version: int = _VERSION
    value: Decimal = Field(None, max_digits=20, decimal_places=6, allow_inf_nan=False)  # type: ignore[assignment]
    is_example: bool = None  # type: ignore[assignment]


class GoalPatch(WritePayload):
    version: int = _VERSION
    title: str = Field(None, min_length=1, max_length=300)  # type: ignore[assignment]
    title_en: str = Field(None, max_length=300)  # type: ignore[assignment]
    description: str = Field(None, max_length=20_000)  # type: ignore[assignment]


class SubGoalPatch(WritePayload):
    version: int = _VERSION
    title: str = Field(None, min_length=1, max_length=400)  # type: ignore[assignment]
    title_en: str = Field(None, max_length=400)  # type: ignore[assignment]
    description: str = Field(None, max_length=20_000)  # type: ignore[assignment]
