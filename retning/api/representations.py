"""Records turned into the plain dicts the response schemas describe.

Read and write operations share these, so a 409 carries exactly what a GET would show.
Web links always point at the Norwegian pages so that a representation (and its ETag) does not
depend on the client's language.
"""

import math
from datetime import date
from decimal import Decimal
from typing import Any
from urllib.parse import quote

from django.db.models import Model
from django.http import HttpRequest
from django.urls import reverse
from django.utils import translation

from retning.actors.models import Organisation, UserGroup
from retning.alignment.models import RelatedDocument
from retning.indicators.models import Indicator, Observation, Target
from retning.indicators.selectors import SeriesAssessment
from retning.roadmap.models import Delivery, Initiative
from retning.roadmap.phases import Phase
from retning.strategy.models import Goal, Source, Strategy, SubGoal, Theme

Json = dict[str, Any]

EXAMPLE_DATA_NOTICE = (
    "Svaret inneholder eksempeldata: tall med is_example = true er ikke publiserte tall og må "
    "ikke brukes som fakta. / This response contains example data: figures with "
    "is_example = true are not published figures and must not be used as facts."
)


class Links:
    """Absolute links for one request: the API's own and the public pages'."""

    def __init__(self, request: HttpRequest) -> None:
        self._request = request
        self.root = request.build_absolute_uri(reverse("api-v1:api-root"))

    def api(self, *parts: object) -> str:
        return self.root + "/".join(quote(str(part), safe="") for part in parts)

    def web(self, record: Model) -> str:
        with translation.override("nb"):
            return self._request.build_absolute_uri(record.get_absolute_url())  # type: ignore[attr-defined]

    def absolute(self, path: str) -> str:
        return self._request.build_absolute_uri(path)


def _number(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


# --- References ---------------------------------------------------------------------------------


def goal_ref(goal: Goal, links: Links) -> Json:
    return {"url": links.api("goals", goal.number), "number": goal.number, "title": goal.title}


def subgoal_ref(subgoal: SubGoal, links: Links) -> Json:
    return {
        "url": links.api("subgoals", subgoal.code),
        "code": subgoal.code,
        "title": subgoal.title,
    }


def theme_ref(theme: Theme, links: Links) -> Json:
    return {"url": links.api("themes", theme.slug), "slug": theme.slug, "name": theme.name}


def organisation_ref(organisation: Organisation, links: Links) -> Json:
    return {
        "url": links.api("organisations", organisation.slug),
        "slug": organisation.slug,
        "key": organisation.key,
        "name": organisation.name,
        "short_name": organisation.short_name,
    }


def indicator_ref(indicator: Indicator, links: Links) -> Json:
    return {
        "url": links.api("indicators", indicator.code),
        "code": indicator.code,
        "name": indicator.name,
    }


def initiative_ref(initiative: Initiative, links: Links) -> Json:
    return {
        "url": links.api("initiatives", initiative.external_id),
        "external_id": initiative.external_id,
        "title": initiative.title,
    }


def source_out(source: Source) -> Json:
    return {"key": source.key, "title": source.title, "link": source.url}


# --- Strategy -----------------------------------------------------------------------------------


def strategy_out(strategy: Strategy, links: Links) -> Json:
    return {
        "title": strategy.title,
        "title_en": strategy.title_en,
        "short_title": strategy.short_title,
        "vision": strategy.vision,
        "vision_en": strategy.vision_en,
        "vision_explained": strategy.vision_explained,
        "period_start": strategy.period_start,
        "period_end": strategy.period_end,
        "owner": organisation_ref(strategy.owner, links) if strategy.owner else None,
        "sources": [source_out(s) for s in strategy.sources.all()],
        "goals": [goal_ref(g, links) for g in strategy.goals.order_by("number")],
        "version": strategy.version,
    }


def goal_out(goal: Goal, links: Links) -> Json:
    return {
        **goal_ref(goal, links),
        "title_en": goal.title_en,
        "description": goal.description,
        "kind": goal.kind,
        "kind_label": str(goal.get_kind_display()),  # type: ignore[attr-defined]
        "web_url": links.web(goal),
        "version": goal.version,
        "subgoals": [subgoal_ref(s, links) for s in goal.subgoals.all()],
    }


def goal_detail(goal: Goal, links: Links) -> Json:
    return {
        **goal_out(goal, links),
        "indicators": [indicator_ref(i, links) for i in goal.indicators.all()],
        "sources": [source_out(s) for s in goal.sources.all()],
    }


def subgoal_out(subgoal: SubGoal, links: Links) -> Json:
    return {
        **subgoal_ref(subgoal, links),
        "goal": goal_ref(subgoal.goal, links),
        "title_en": subgoal.title_en,
        "description": subgoal.description,
        "benefit_objectives": [b.text for b in subgoal.benefit_objectives.all()],
        "groupings": [{"title": g.title, "order": g.order} for g in subgoal.groupings.all()],
        "themes": [theme_ref(t, links) for t in subgoal.themes.all()],
        "web_url": links.web(subgoal),
        "version": subgoal.version,
    }


def subgoal_detail(subgoal: SubGoal, links: Links, initiative_count: int) -> Json:
    return {
        **subgoal_out(subgoal, links),
        "indicators": [indicator_ref(i, links) for i in subgoal.indicators.all()],
        "initiative_count": initiative_count,
        "sources": [source_out(s) for s in subgoal.sources.all()],
    }


def theme_out(theme: Theme, links: Links) -> Json:
    return {
        **theme_ref(theme, links),
        "name_en": theme.name_en,
        "description": theme.description,
        "web_url": links.web(theme),
    }


def document_out(document: RelatedDocument, links: Links) -> Json:
    return {
        "title": document.title,
        "issuer": document.issuer,
        "kind": document.kind,
        "kind_label": str(document.get_kind_display()),  # type: ignore[attr-defined]
        "period_start": document.period_start,
        "period_end": document.period_end,
        "link": document.url,
        "relation": document.relation,
        "relation_label": str(document.get_relation_display()),  # type: ignore[attr-defined]
        "relation_description": document.relation_description,
        "themes": [theme_ref(t, links) for t in document.themes.all()],
    }


# --- Actors -------------------------------------------------------------------------------------


def organisation_out(organisation: Organisation, links: Links) -> Json:
    parent = organisation.parent
    return {
        **organisation_ref(organisation, links),
        "kind": organisation.kind,
        "kind_label": str(organisation.get_kind_display()),  # type: ignore[attr-defined]
        "org_number": organisation.org_number,
        "parent": organisation_ref(parent, links) if parent else None,
        "website": organisation.url,
        "description": organisation.description,
        "former": organisation.former,
        "web_url": links.web(organisation),
    }


def user_group_out(group: UserGroup) -> Json:
    return {
        "slug": group.slug,
        "name": group.name,
        "name_en": group.name_en,
        "confirmed": group.confirmed,
    }


# --- Indicators ---------------------------------------------------------------------------------


def has_example_data(indicator: Indicator) -> bool:
    baseline_is_example = indicator.baseline_is_example and indicator.baseline_value is not None
    return baseline_is_example or any(t.is_example for t in indicator.targets.all())


def target_out(target: Target, indicator: Indicator, links: Links) -> Json:
    return {
        "url": links.api("indicators", indicator.code, "targets", target.period),
        "period": target.period,
        "value": float(target.value),
        "is_example": target.is_example,
        "version": target.version,
    }


def observation_out(observation: Observation, indicator: Indicator, links: Links) -> Json:
    return {
        "url": links.api("indicators", indicator.code, "observations", observation.pk),
        "id": observation.pk,
        "period": observation.period,
        "period_start": observation.period_start,
        "value": _number(observation.value),
        "breakdown_dimension": observation.breakdown_dimension,
        "breakdown_value": observation.breakdown_value,
        "status": observation.status,
        "source": observation.source,
        "note": observation.note,
        # Observations are measured, published figures; the model has no example flag for them.
        "is_example": False,
        "version": observation.version,
    }


def _finite(value: Any) -> Any:
    """JSON has no infinity or NaN; such inputs (a ratio with nothing to divide by) become null."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {key: _finite(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_finite(item) for item in value]
    return value


def assessment_out(series: SeriesAssessment | None) -> Json | None:
    if series is None:
        return None
    computed = series.computed
    language = translation.get_language() or "nb"
    status = series.status
    return {
        "status": status.value,
        "status_label": status.label_en if language.startswith("en") else status.label_nb,
        "computed_status": computed.status.value,
        "method": computed.method.value,
        "inputs": _finite(dict(computed.inputs)),
        "reason": computed.reason,
        "reason_code": computed.reason_code.value if computed.reason_code else None,
        "explanation_nb": computed.explanation_nb,
        "explanation_en": computed.explanation_en,
        "overridden": series.is_overridden,
        "override_reason": series.override.reason if series.override else None,
    }


def indicator_out(
    indicator: Indicator, links: Links, assessment: SeriesAssessment | None = None
) -> Json:
    return {
        **indicator_ref(indicator, links),
        "name_en": indicator.name_en,
        "goal": goal_ref(indicator.goal, links),
        "subgoal": subgoal_ref(indicator.subgoal, links) if indicator.subgoal else None,
        "unit": indicator.unit,
        "unit_label": indicator.unit_label,
        "decimals": indicator.decimals,
        "direction": indicator.direction,
        "frequency": indicator.frequency,
        "responsible": (
            organisation_ref(indicator.responsible, links) if indicator.responsible else None
        ),
        "example_data": has_example_data(indicator),
        "web_url": links.web(indicator),
        "version": indicator.version,
        "assessment": assessment_out(assessment),
    }


def indicator_detail(
    indicator: Indicator, links: Links, assessment: SeriesAssessment | None = None
) -> Json:
    summary = indicator_out(indicator, links, assessment)
    baseline = None
    if indicator.baseline_period and indicator.baseline_value is not None:
        baseline = {
            "period": indicator.baseline_period,
            "value": float(indicator.baseline_value),
            "is_example": indicator.baseline_is_example,
        }
    return {
        **summary,
        "definition": indicator.definition,
        "data_source": indicator.data_source,
        "methodology_note": indicator.methodology_note,
        "themes": [theme_ref(t, links) for t in indicator.themes.all()],
        "sources": [source_out(s) for s in indicator.sources.all()],
        "baseline": baseline,
        "targets": [target_out(t, indicator, links) for t in indicator.targets.all()],
        "observations": [
            observation_out(o, indicator, links) for o in indicator.observations.all()
        ],
        "example_data_notice": EXAMPLE_DATA_NOTICE if summary["example_data"] else None,
    }


# --- Roadmap ------------------------------------------------------------------------------------


def _phase(number: int | None) -> Json | None:
    if number is None:
        return None
    phase = Phase(number)
    return {"number": phase.value, "label": phase.label}


def delivery_out(delivery: Delivery, initiative: Initiative, links: Links) -> Json:
    return {
        "url": links.api("initiatives", initiative.external_id, "deliveries", delivery.pk),
        "id": delivery.pk,
        "title": delivery.title,
        "kind": delivery.kind,
        "kind_label": str(delivery.get_kind_display()),  # type: ignore[attr-defined]
        "planned_date": delivery.planned_date,
        "actual_date": delivery.actual_date,
        "version": delivery.version,
    }


def _in_date_order(initiative: Initiative) -> list[Delivery]:
    # Sorted here rather than in SQL: databases disagree on where undated rows go.
    return sorted(
        initiative.deliveries.all(),
        key=lambda d: (d.planned_date is None, d.planned_date or date.min, d.pk),
    )


def initiative_out(initiative: Initiative, links: Links) -> Json:
    return {
        **initiative_ref(initiative, links),
        "subgoal": subgoal_ref(initiative.subgoal, links),
        "grouping": initiative.grouping.title if initiative.grouping else None,
        "phase_first": _phase(initiative.phase_first),
        "phase_last": _phase(initiative.phase_last),
        "priority": initiative.priority,
        "planning_status": initiative.planning_status,
        "start_date": initiative.start_date,
        "end_date": initiative.end_date,
        "owners": [organisation_ref(o, links) for o in initiative.owners.all()],
        "web_url": links.web(initiative),
        "version": initiative.version,
    }


def initiative_detail(initiative: Initiative, links: Links) -> Json:
    return {
        **initiative_out(initiative, links),
        "description": initiative.description,
        "other_goals": [goal_ref(g, links) for g in initiative.other_goals.all()],
        "user_groups": [user_group_out(u) for u in initiative.user_groups.all()],
        "themes": [theme_ref(t, links) for t in initiative.themes.all()],
        "level": initiative.level,
        "owners_basis": initiative.owners_basis,
        "roadmap_version": str(initiative.roadmap_version) if initiative.roadmap_version else None,
        "retired_in": str(initiative.retired_in) if initiative.retired_in else None,
        "deliveries": [delivery_out(d, initiative, links) for d in _in_date_order(initiative)],
    }
