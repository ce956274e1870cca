"""Timelines (Gantt-like) per goal, owner and user group, and the dependency graph per goal.

Views stay thin: the roadmap selectors read, :mod:`gantt` and :mod:`dependency_graph` draw.
"""

from collections.abc import Callable, Sequence
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from retning.actors.models import Organisation, UserGroup
from retning.roadmap import selectors as roadmap_selectors
from retning.roadmap.models import Initiative
from retning.roadmap.schedule import slippage_days
from retning.strategy.models import Goal

from . import chart_data, dependency_graph, gantt, selectors


def _lang() -> str:
    return get_language() or "nb"


def _english() -> bool:
    return _lang().startswith("en")


def _localized(obj: Any, field: str) -> str:
    if _english():
        english = getattr(obj, f"{field}_en", "")
        if english:
            return str(english)
    return str(getattr(obj, field, ""))


def _crumbs(*trail: tuple[str, str | None]) -> list[tuple[str, str | None]]:
    return [(_("Forside"), reverse("publishing:home")), *trail]


def _goal_name(goal: Goal) -> str:
    return _("Mål %(n)s: %(title)s") % {"n": goal.number, "title": _localized(goal, "title")}


def _lane_by_subgoal(initiative: Initiative) -> str:
    return f"{initiative.subgoal.code} {_localized(initiative.subgoal, 'title')}"


def _lane_by_goal(initiative: Initiative) -> str:
    return _goal_name(initiative.subgoal.goal)


def _gantt_rows(
    initiatives: Sequence[Initiative], lane_of: Callable[[Initiative], str]
) -> list[gantt.GanttRow]:
    return [
        gantt.GanttRow(
            title=initiative.title,
            href=initiative.get_absolute_url(),
            phase_first=initiative.phase_first,
            phase_last=initiative.phase_last,
            start=initiative.start_date,
            end=initiative.end_date,
            tentative=initiative.is_tentative,
            lane=lane_of(initiative),
            deliveries=[
                gantt.GanttDelivery(
                    title=d.title,
                    kind=d.kind,
                    planned=d.planned_date,
                    forecast=d.forecast_date,
                    actual=d.actual_date,
                )
                for d in initiative.deliveries.all()
            ],
        )
        for initiative in initiatives
    ]


def _table_rows(initiatives: Sequence[Initiative]) -> list[dict[str, Any]]:
    return [
        {
            "initiative": initiative,
            "deliveries": [
                {
                    "delivery": d,
                    "slippage": slippage_days(d.planned_date, d.forecast_date, d.actual_date),
                }
                for d in initiative.deliveries.all()
            ],
        }
        for initiative in initiatives
    ]


def _timeline_page(
    request: HttpRequest,
    *,
    initiatives: Sequence[Initiative],
    lane_of: Callable[[Initiative], str],
    heading: str,
    id_prefix: str,
    crumbs: list[tuple[str, str | None]],
    back_url: str,
    back_text: str,
    nav_active: str,
) -> HttpResponse:
    today = timezone.localdate()
    rows = _gantt_rows(initiatives, lane_of)
    svg = gantt.gantt_svg(
        rows,
        today=today,
        id_prefix=id_prefix,
        title=heading,
        chart_labels=chart_data.chart_labels(),
        labels=gantt.ENGLISH_LABELS if _english() else gantt.DEFAULT_LABELS,
        lang=_lang(),
    )
    return render(
        request,
        "publishing/gantt.html",
        {
            "heading": heading,
            "timeline": svg,
            "table_rows": _table_rows(initiatives),
            "initiative_count": len(initiatives),
            "tentative_count": sum(1 for i in initiatives if i.is_tentative),
            "delivery_count": sum(len(r.deliveries) for r in rows),
            "today": today,
            "back_url": back_url,
            "back_text": back_text,
            "crumbs": crumbs,
            "nav_active": nav_active,
        },
    )


def goal_timeline(request: HttpRequest, number: int) -> HttpResponse:
    goal = selectors.goal_get(selectors.strategy_get(), number)
    initiatives = roadmap_selectors.timeline_initiatives(
        selectors.active_initiatives().filter(subgoal__goal=goal)
    )
    return _timeline_page(
        request,
        initiatives=initiatives,
        lane_of=_lane_by_subgoal,
        heading=_("Tidslinje for mål %(n)s") % {"n": goal.number},
        id_prefix=f"gantt-goal-{goal.number}",
        crumbs=_crumbs(
            (_("Mål %(n)s") % {"n": goal.number}, goal.get_absolute_url()),
            (_("Tidslinje"), None),
        ),
        back_url=goal.get_absolute_url(),
        back_text=_goal_name(goal),
        nav_active="roadmap",
    )


def organisation_timeline(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = get_object_or_404(Organisation, slug=slug)
    initiatives = roadmap_selectors.timeline_initiatives(
        selectors.active_initiatives().filter(owners=organisation)
    )
    return _timeline_page(
        request,
        initiatives=initiatives,
        lane_of=_lane_by_goal,
        heading=_("Tidslinje for %(name)s") % {"name": organisation.name},
        id_prefix=f"gantt-org-{organisation.pk}",
        crumbs=_crumbs(
            (_("Aktører"), reverse("publishing:organisation_list")),
            (organisation.name, organisation.get_absolute_url()),
            (_("Tidslinje"), None),
        ),
        back_url=organisation.get_absolute_url(),
        back_text=organisation.name,
        nav_active="organisations",
    )


def usergroup_timeline(request: HttpRequest, slug: str) -> HttpResponse:
    group = get_object_or_404(UserGroup, slug=slug)
    initiatives = roadmap_selectors.timeline_initiatives(
        selectors.active_initiatives().filter(user_groups=group)
    )
    name = _localized(group, "name")
    return _timeline_page(
        request,
        initiatives=initiatives,
        lane_of=_lane_by_goal,
        heading=_("Tidslinje for brukergruppen %(name)s") % {"name": name},
        id_prefix=f"gantt-group-{group.pk}",
        crumbs=_crumbs(
            (_("Veikart"), reverse("publishing:roadmap")),
            (_("Brukergruppe: %(name)s") % {"name": name}, None),
        ),
        back_url=reverse("publishing:roadmap") + f"?brukergruppe={group.slug}",
        back_text=_("Initiativene for brukergruppen i veikartet"),
        nav_active="roadmap",
    )


def goal_dependencies(request: HttpRequest, number: int) -> HttpResponse:
    goal = selectors.goal_get(selectors.strategy_get(), number)
    graph = roadmap_selectors.goal_dependency_graph(goal.pk)
    nodes = [
        dependency_graph.GraphNode(
            key=pk,
            title=node.initiative.title,
            href=node.initiative.get_absolute_url(),
            subtitle=_("Delmål %(code)s · %(n)s leveranser")
            % {"code": node.initiative.subgoal.code, "n": node.delivery_count},
            phase_index=node.initiative.phase_first,
            external=not node.in_scope,
        )
        for pk, node in graph.nodes.items()
    ]
    edges = [
        dependency_graph.GraphEdge(
            prerequisite=row.dependency.prerequisite_id,
            dependent=row.dependency.dependent_id,
            description=_("%(dependent)s avhenger av %(prerequisite)s")
            % {"dependent": row.dependent.label, "prerequisite": row.prerequisite.label}
            + (
                " "
                + _("Varsel: forutsetningen ventes %(days)s dager etter planlagt dato.")
                % {"days": row.warning.days_late}
                if row.warning
                else ""
            ),
            warning=row.warning is not None,
        )
        for row in graph.rows
    ]
    heading = _("Avhengigheter for mål %(n)s") % {"n": goal.number}
    svg = dependency_graph.dependency_graph_svg(
        nodes,
        edges,
        id_prefix=f"deps-goal-{goal.number}",
        title=heading,
        labels=dependency_graph.ENGLISH_LABELS if _english() else dependency_graph.DEFAULT_LABELS,
    )
    cycle = [graph.nodes[pk].initiative for pk in graph.cycle] if graph.cycle else []
    return render(
        request,
        "publishing/dependencies.html",
        {
            "goal": goal,
            "goal_name": _goal_name(goal),
            "heading": heading,
            "graph": graph,
            "graph_svg": svg,
            "cycle": cycle,
            "crumbs": _crumbs(
                (_("Mål %(n)s") % {"n": goal.number}, goal.get_absolute_url()),
                (_("Avhengigheter"), None),
            ),
            "nav_active": "home",
        },
    )
