"""Public pages. Views stay thin: selectors read, chart_data draws, templates present."""

from collections import defaultdict

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from retning.actors.models import Organisation
from retning.alignment.models import RelatedDocument
from retning.indicators import selectors as indicator_selectors
from retning.indicators.models import Indicator
from retning.roadmap.models import Initiative
from retning.strategy.models import SubGoal, Theme

from . import chart_data, indicator_views, selectors
from .filters import RoadmapFilterForm

ROADMAP_PAGE_SIZE = 50
TIMELINE_PAGE_SIZE = 150
INITIATIVES_PER_GROUPING_ON_GOAL_PAGE = 12
INITIATIVES_PER_GROUPING_ON_SUBGOAL_PAGE = 40
INDICATORS_ON_GOAL_PAGE = 12
INITIATIVES_ON_OWNER_AND_THEME_PAGES = 25


def _crumbs(*trail: tuple[str, str | None]) -> list[tuple[str, str | None]]:
    return [(_("Forside"), reverse("publishing:home")), *trail]


def _lang() -> str:
    return get_language() or "nb"


def _page_number(request: HttpRequest) -> int:
    raw = request.GET.get("page", "1")
    return int(raw) if raw.isdigit() and 0 < len(raw) < 7 else 1


def _indicator_cards(
    indicators: list[Indicator], prefix: str, *, compact: bool = False
) -> list[dict[str, object]]:
    """Latest value, target and a chart per indicator; compact cards get a sparkline."""
    today = timezone.localdate()
    cards = []
    for indicator in indicators:
        observations = indicator.headline_observations  # type: ignore[attr-defined]
        targets = list(indicator.targets.all())
        latest = next((o for o in reversed(observations) if o.value is not None), None)
        cards.append(
            {
                "indicator": indicator,
                "latest": latest,
                "targets": targets,
                "final_target": targets[-1] if targets else None,
                "has_example_data": indicator.baseline_is_example
                or any(t.is_example for t in targets),
                "chart": chart_data.indicator_chart_svg(
                    indicator,
                    observations,
                    targets,
                    today=today,
                    id_prefix=f"{prefix}-{indicator.pk}",
                    lang=_lang(),
                    compact=compact,
                ),
            }
        )
    return cards


def home(request: HttpRequest) -> HttpResponse:
    strategy = selectors.strategy_get()
    summaries = selectors.goal_summaries(strategy)
    rollups = indicator_selectors.rollups_by_goal(summary.goal.pk for summary in summaries)
    for summary in summaries:
        summary.assessment_rollup = indicator_views.present_rollup(  # type: ignore[attr-defined]
            rollups[summary.goal.pk], _lang()[:2]
        )
        summary.phase_svg = chart_data.phase_bar_svg(  # type: ignore[attr-defined]
            summary.phases.as_rows(),
            id_prefix=f"goal-{summary.goal.number}-phases",
            title=_("Initiativer i mål %(number)s etter fase") % {"number": summary.goal.number},
        )
    return render(
        request,
        "publishing/home.html",
        {"strategy": strategy, "summaries": summaries, "nav_active": "home"},
    )


def goal_detail(request: HttpRequest, number: int) -> HttpResponse:
    strategy = selectors.strategy_get()
    goal = selectors.goal_get(strategy, number)
    subgoals = list(
        SubGoal.objects.filter(goal=goal).prefetch_related("benefit_objectives").order_by("code")
    )
    goal_indicators = Indicator.objects.filter(goal=goal).order_by("code")
    indicators = selectors.indicator_cards_data(goal_indicators[:INDICATORS_ON_GOAL_PAGE])
    blocks = selectors.initiatives_by_subgoal_and_grouping(
        subgoals, per_grouping=INITIATIVES_PER_GROUPING_ON_GOAL_PAGE
    )
    return render(
        request,
        "publishing/goal_detail.html",
        {
            "strategy": strategy,
            "goal": goal,
            "subgoals": subgoals,
            "indicator_cards": _indicator_cards(indicators, "goal-ind", compact=True),
            "indicator_total": goal_indicators.count(),
            "assessment_rollup": indicator_views.present_rollup(
                indicator_selectors.rollup_for(Indicator.objects.filter(goal=goal)), _lang()[:2]
            ),
            "blocks": blocks,
            "per_grouping": INITIATIVES_PER_GROUPING_ON_GOAL_PAGE,
            "crumbs": _crumbs((_("Mål %(n)s") % {"n": goal.number}, None)),
            "nav_active": "home",
        },
    )


def subgoal_detail(request: HttpRequest, code: str) -> HttpResponse:
    strategy = selectors.strategy_get()
    subgoal = selectors.subgoal_get(strategy, code)
    [block] = selectors.initiatives_by_subgoal_and_grouping(
        [subgoal], per_grouping=INITIATIVES_PER_GROUPING_ON_SUBGOAL_PAGE
    )
    initiatives = [i for g in block.groupings for i in g.initiatives]
    indicators = selectors.indicator_cards_data(Indicator.objects.filter(subgoal=subgoal))
    return render(
        request,
        "publishing/subgoal_detail.html",
        {
            "subgoal": subgoal,
            "roadmap_block": block,
            "per_grouping": INITIATIVES_PER_GROUPING_ON_SUBGOAL_PAGE,
            "shown_count": len(initiatives),
            "timeline": chart_data.timeline_svg(
                initiatives, today=timezone.localdate(), id_prefix=f"tl-{subgoal.code}"
            ),
            "tentative_count": sum(1 for i in initiatives if i.is_tentative),
            "indicator_cards": _indicator_cards(indicators, "sg-ind", compact=True),
            "assessment_rollup": indicator_views.present_rollup(
                indicator_selectors.rollup_for(Indicator.objects.filter(subgoal=subgoal)),
                _lang()[:2],
            ),
            "crumbs": _crumbs(
                (_("Mål %(n)s") % {"n": subgoal.goal.number}, subgoal.goal.get_absolute_url()),
                (_("Delmål %(code)s") % {"code": subgoal.code}, None),
            ),
            "nav_active": "home",
        },
    )


def indicator_list(request: HttpRequest) -> HttpResponse:
    indicators = list(
        Indicator.objects.select_related("goal", "subgoal").prefetch_related("targets")
    )
    # The headline series' status of every indicator, cached until the data changes.
    statuses = indicator_selectors.headline_statuses()
    by_goal: dict[object, list[Indicator]] = defaultdict(list)
    for indicator in indicators:
        indicator.headline_assessment = statuses.get(indicator.pk)  # type: ignore[attr-defined]
        by_goal[indicator.goal].append(indicator)
    return render(
        request,
        "publishing/indicator_list.html",
        {"by_goal": dict(by_goal), "nav_active": "indicators"},
    )


def _indicator_or_404(code: str) -> Indicator:
    indicator = (
        selectors.indicators_with_data(Indicator.objects.filter(code=code))
        .prefetch_related("themes", "sources")
        .first()
    )
    if indicator is None:
        raise Http404(f"Indikatoren {code} finnes ikke.")
    return indicator


def indicator_detail(request: HttpRequest, code: str) -> HttpResponse:
    indicator = _indicator_or_404(code)
    [card] = _indicator_cards([indicator], "ind")
    return render(
        request,
        "publishing/indicator_detail.html",
        {
            "indicator": indicator,
            "card": card,
            **indicator_views.assessment_context(request, indicator, list(indicator.targets.all())),
            "crumbs": _crumbs(
                (_("Indikatorer"), reverse("publishing:indicator_list")), (indicator.code, None)
            ),
            "nav_active": "indicators",
        },
    )


def roadmap(request: HttpRequest) -> HttpResponse:
    # Always bound: every filter is optional, so no query string means "everything".
    form = RoadmapFilterForm(request.GET)
    initiatives = form.apply(selectors.roadmap_queryset())
    view = form.view
    page_size = TIMELINE_PAGE_SIZE if view == "tidslinje" else ROADMAP_PAGE_SIZE
    page = Paginator(initiatives, page_size).get_page(_page_number(request))
    query = request.GET.copy()
    query.pop("page", None)
    context: dict[str, object] = {
        "form": form,
        "page_obj": page,
        "view": view,
        "querystring": query.urlencode(),
        "nav_active": "roadmap",
    }
    if view == "tidslinje":
        context["timeline"] = chart_data.timeline_svg(
            page.object_list, today=timezone.localdate(), id_prefix="tl-roadmap", lane_of="subgoal"
        )
    is_htmx = bool(getattr(request, "htmx", False))
    template = "publishing/partials/roadmap_results.html" if is_htmx else "publishing/roadmap.html"
    return render(request, template, context)


def initiative_detail(request: HttpRequest, external_id: str) -> HttpResponse:
    initiative = get_object_or_404(
        Initiative.objects.select_related(
            "subgoal__goal", "grouping", "roadmap_version", "retired_in"
        ).prefetch_related("owners", "user_groups", "themes", "other_goals", "deliveries"),
        external_id=external_id,
    )
    return render(
        request,
        "publishing/initiative_detail.html",
        {
            "initiative": initiative,
            "crumbs": _crumbs(
                (_("Veikart"), reverse("publishing:roadmap")),
                (
                    _("Delmål %(code)s") % {"code": initiative.subgoal.code},
                    initiative.subgoal.get_absolute_url(),
                ),
                (initiative.title, None),
            ),
            "nav_active": "roadmap",
        },
    )


def organisation_list(request: HttpRequest) -> HttpResponse:
    organisations = Organisation.objects.select_related("parent").order_by("kind", "name")
    return render(
        request,
        "publishing/organisation_list.html",
        {"organisations": organisations, "nav_active": "organisations"},
    )


def organisation_detail(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = get_object_or_404(
        Organisation.objects.select_related("parent").prefetch_related("children"), slug=slug
    )
    owned = selectors.roadmap_queryset().filter(owners=organisation)
    indicators = Indicator.objects.filter(responsible=organisation).select_related("goal")
    return render(
        request,
        "publishing/organisation_detail.html",
        {
            "organisation": organisation,
            "initiatives": owned[:INITIATIVES_ON_OWNER_AND_THEME_PAGES],
            "initiative_total": owned.count(),
            "indicators": indicators,
            "crumbs": _crumbs(
                (_("Aktører"), reverse("publishing:organisation_list")), (organisation.name, None)
            ),
            "nav_active": "organisations",
        },
    )


def theme_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "publishing/theme_list.html",
        {"themes": Theme.objects.all(), "nav_active": "home"},
    )


def theme_detail(request: HttpRequest, slug: str) -> HttpResponse:
    theme = get_object_or_404(Theme, slug=slug)
    tagged = selectors.roadmap_queryset().filter(themes=theme)
    return render(
        request,
        "publishing/theme_detail.html",
        {
            "theme": theme,
            "subgoals": theme.subgoals.select_related("goal"),
            "indicators": theme.indicators.select_related("goal"),
            "initiatives": tagged[:INITIATIVES_ON_OWNER_AND_THEME_PAGES],
            "initiative_total": tagged.count(),
            "documents": theme.related_documents.all(),
            "crumbs": _crumbs(
                (_("Tverrgående forutsetninger"), reverse("publishing:theme_list")),
                (theme.name, None),
            ),
            "nav_active": "home",
        },
    )


def document_list(request: HttpRequest) -> HttpResponse:
    documents = RelatedDocument.objects.prefetch_related("themes").order_by("relation", "title")
    by_relation: dict[str, list[RelatedDocument]] = defaultdict(list)
    for document in documents:
        by_relation[document.get_relation_display()].append(document)  # type: ignore[attr-defined]
    return render(
        request,
        "publishing/document_list.html",
        {"by_relation": dict(by_relation), "nav_active": "documents"},
    )


def search(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "")[:200].strip()
    results = selectors.search_everything(query) if query else None
    total = sum(len(v) for v in results.values()) if results else 0
    return render(
        request,
        "publishing/search.html",
        {
            "query": query,
            "search_query": query,
            "results": results,
            "total": total,
            "nav_active": "",
        },
    )
