"""Loading Retning's default dataset: the real strategy, its roadmap and the measured series.

Every write goes through ``_upsert``, which saves only what differs, so seeding twice changes nothing
and leaves no extra history.
"""

from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml
from django.db import models, transaction
from django.utils.text import slugify

from retning.actors.models import Organisation, UserGroup
from retning.alignment.models import RelatedDocument
from retning.indicators.models import Indicator, Observation, Target
from retning.roadmap.models import Initiative
from retning.roadmap.services import RoadmapImportReport, roadmap_import
from retning.strategy.models import (
    BenefitObjective,
    Goal,
    Grouping,
    Source,
    Strategy,
    SubGoal,
    Theme,
)

DATA_DIR = Path(__file__).resolve().parent / "data"
STRATEGY_FILE = DATA_DIR / "strategy.yaml"
ROADMAP_FILE = DATA_DIR / "veikart-2026-08.csv"

_LEVEL_BY_KIND = {
    Organisation.Kind.RHF: Initiative.Level.REGIONAL,
    Organisation.Kind.HF: Initiative.Level.REGIONAL,
    Organisation.Kind.MUNICIPALITY: Initiative.Level.MUNICIPAL,
    Organisation.Kind.COUNTY: Initiative.Level.MUNICIPAL,
}


class DatasetError(Exception):
    pass


@dataclass
class SeedReport:
    created: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)
    roadmap: RoadmapImportReport | None = None

    def count(self, model: type[models.Model], created: bool) -> None:
        bucket = self.created if created else self.updated
        name = str(model._meta.verbose_name_plural)
        bucket[name] = bucket.get(name, 0) + 1

    @property
    def changed_anything(self) -> bool:
        roadmap_changed = self.roadmap is not None and self.roadmap.changed_anything
        return bool(self.created or self.updated or roadmap_changed)


def _decimal(value: Any) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def _upsert[M: models.Model](
    report: SeedReport, model: type[M], lookup: dict[str, Any], values: dict[str, Any]
) -> M:
    instance = model._default_manager.filter(**lookup).first()
    if instance is None:
        instance = model._default_manager.create(**lookup, **values)
        report.count(model, created=True)
        return instance
    changed = [name for name, value in values.items() if getattr(instance, name) != value]
    if changed:
        for name in changed:
            setattr(instance, name, values[name])
        instance.save()
        report.count(model, created=False)
    return instance


def _set_m2m(report: SeedReport, instance: models.Model, name: str, targets: list[Any]) -> None:
    manager = getattr(instance, name)
    if {obj.pk for obj in manager.all()} != {obj.pk for obj in targets}:
        manager.set(targets)
        report.count(type(instance), created=False)


def dataset_seed(
    *, strategy_file: Path = STRATEGY_FILE, roadmap_file: Path = ROADMAP_FILE
) -> SeedReport:
    """Load (or bring up to date) the default dataset. Atomic: on any error nothing is saved."""
    data = yaml.safe_load(strategy_file.read_text(encoding="utf-8"))
    report = SeedReport()
    with transaction.atomic():
        _seed(data, report)
        roadmap = roadmap_import(data=roadmap_file.read_bytes(), filename=roadmap_file.name)
        report.roadmap = roadmap
        if not roadmap.ok:
            raise DatasetError(
                "Veikartfilen i standarddatasettet kunne ikke leses: "
                + "; ".join(str(p) for p in roadmap.problems[:5])
            )
        _link_initiatives(data.get("initiative_links", []), report)
    return report


def _seed(data: dict[str, Any], report: SeedReport) -> None:
    sources = {
        key: _upsert(report, Source, {"key": key}, {"title": s["title"], "url": s.get("url") or ""})
        for key, s in data["sources"].items()
    }

    def source_list(keys: list[str] | None) -> list[Source]:
        return [sources[key] for key in keys or []]

    themes = {
        t["slug"]: _upsert(
            report,
            Theme,
            {"slug": t["slug"]},
            {
                "name": t["name"],
                "name_en": t.get("name_en") or "",
                "description": t.get("description") or "",
            },
        )
        for t in data["themes"]
    }
    organisations = _seed_organisations(data["organisations"], report)
    for group in data["user_groups"]:
        _upsert(
            report,
            UserGroup,
            {"slug": group["slug"]},
            {
                "name": group["name"],
                "name_en": group.get("name_en") or "",
                "confirmed": bool(group.get("confirmed")),
            },
        )

    s = data["strategy"]
    strategy = _upsert(
        report,
        Strategy,
        {"short_title": s["short_title"]},
        {
            "title": s["title"],
            "title_en": s.get("title_en") or "",
            "vision": s["vision"],
            "vision_en": s.get("vision_en") or "",
            "vision_explained": s.get("vision_explained") or "",
            "period_start": s["period_start"],
            "period_end": s["period_end"],
            "owner": organisations.get(s.get("owner")),
        },
    )
    _set_m2m(report, strategy, "sources", source_list(s.get("sources")))

    goals: dict[int, Goal] = {}
    for g in data["goals"]:
        goal = _upsert(
            report,
            Goal,
            {"strategy": strategy, "number": g["number"]},
            {
                "title": g["title"],
                "title_en": g.get("title_en") or "",
                "description": g.get("description") or "",
                "kind": g["kind"],
            },
        )
        _set_m2m(report, goal, "sources", source_list(g.get("sources")))
        goals[g["number"]] = goal

    subgoals: dict[str, SubGoal] = {}
    for sg in data["subgoals"]:
        subgoal = _upsert(
            report,
            SubGoal,
            {"strategy": strategy, "code": sg["code"]},
            {
                "goal": goals[sg["goal"]],
                "title": sg["title"],
                "title_en": sg.get("title_en") or "",
                "description": sg.get("description") or "",
            },
        )
        _set_m2m(report, subgoal, "themes", [themes[t] for t in sg.get("themes") or []])
        _set_m2m(report, subgoal, "sources", source_list(sg.get("sources")))
        for order, text in enumerate(sg.get("benefit_objectives") or []):
            _upsert(report, BenefitObjective, {"subgoal": subgoal, "order": order}, {"text": text})
        BenefitObjective.objects.filter(
            subgoal=subgoal, order__gte=len(sg.get("benefit_objectives") or [])
        ).delete()
        for order, title in enumerate(sg.get("groupings") or []):
            _upsert(report, Grouping, {"subgoal": subgoal, "title": title}, {"order": order})
        subgoals[sg["code"]] = subgoal

    for doc in data["related_documents"]:
        document = _upsert(
            report,
            RelatedDocument,
            {"title": doc["title"]},
            {
                "issuer": doc.get("issuer") or "",
                "kind": doc["kind"],
                "period_start": doc.get("period_start"),
                "period_end": doc.get("period_end"),
                "url": doc.get("url") or "",
                "relation": doc["relation"],
                "relation_description": doc.get("relation_description") or "",
            },
        )
        _set_m2m(report, document, "themes", [themes[t] for t in doc.get("themes") or []])
        _set_m2m(report, document, "sources", source_list(doc.get("sources")))

    for ind in data["indicators"]:
        _seed_indicator(ind, goals, subgoals, organisations, themes, source_list, report)


def _seed_organisations(items: list[dict[str, Any]], report: SeedReport) -> dict[str, Organisation]:
    organisations: dict[str, Organisation] = {}
    # Parents first, so that an HF can point at its RHF.
    for item in sorted(items, key=lambda o: o.get("parent") is not None):
        organisations[item["key"]] = _upsert(
            report,
            Organisation,
            {"key": item["key"]},
            {
                "slug": slugify(item.get("short_name") or item["name"]) or item["key"].lower(),
                "name": item["name"],
                "short_name": item.get("short_name") or "",
                "kind": item["kind"],
                "org_number": item.get("org_number") or "",
                "parent": organisations.get(item.get("parent") or ""),
                "url": item.get("url") or "",
                "description": item.get("description") or "",
                "former": bool(item.get("former")),
            },
        )
    return organisations


def _seed_indicator(
    ind: dict[str, Any],
    goals: dict[int, Goal],
    subgoals: dict[str, SubGoal],
    organisations: dict[str, Organisation],
    themes: dict[str, Theme],
    source_list: Any,
    report: SeedReport,
) -> None:
    baseline = ind.get("baseline") or {}
    indicator = _upsert(
        report,
        Indicator,
        {"code": ind["code"]},
        {
            "name": ind["name"],
            "name_en": ind.get("name_en") or "",
            "definition": ind.get("definition") or "",
            "goal": goals[ind["goal"]],
            "subgoal": subgoals.get(ind.get("subgoal") or ""),
            "unit": ind["unit"],
            "unit_label": ind.get("unit_label") or "",
            "decimals": ind.get("decimals") or 0,
            "direction": ind.get("direction") or Indicator.Direction.HIGHER_IS_BETTER,
            "data_source": ind.get("data_source") or "",
            "frequency": ind.get("frequency") or "",
            "responsible": organisations.get(ind.get("responsible") or ""),
            "methodology_note": ind.get("methodology_note") or "",
            "baseline_period": str(baseline.get("period") or ""),
            "baseline_value": _decimal(baseline.get("value")),
            "baseline_is_example": bool(baseline.get("example")),
        },
    )
    _set_m2m(report, indicator, "themes", [themes[t] for t in ind.get("themes") or []])
    _set_m2m(report, indicator, "sources", source_list(ind.get("sources")))
    for target in ind.get("targets") or []:
        _upsert(
            report,
            Target,
            {"indicator": indicator, "period": str(target["period"])},
            {"value": _decimal(target["value"]), "is_example": bool(target.get("example"))},
        )
    for obs in ind.get("observations") or []:
        _upsert(
            report,
            Observation,
            {
                "indicator": indicator,
                "period": str(obs["period"]),
                "breakdown_dimension": "",
                "breakdown_value": "",
            },
            {
                "value": _decimal(obs.get("value")),
                "status": obs.get("status") or "",
                "source": obs.get("source") or "",
                "note": obs.get("note") or "",
            },
        )


def _link_initiatives(links: list[dict[str, Any]], report: SeedReport) -> None:
    organisations = {o.key: o for o in Organisation.objects.all()}
    groups = {g.slug: g for g in UserGroup.objects.all()}
    initiatives = {
        i.external_id: i
        for i in Initiative.objects.prefetch_related("owners", "user_groups").filter(
            external_id__in=[link["external_id"] for link in links]
        )
    }
    for link in links:
        initiative = initiatives.get(link["external_id"])
        if initiative is None:
            raise DatasetError(f"Ukjent leveranse-ID i initiative_links: {link['external_id']}")
        owners = [organisations[key] for key in link.get("owners") or []]
        _set_m2m(report, initiative, "owners", owners)
        _set_m2m(
            report, initiative, "user_groups", [groups[s] for s in link.get("user_groups") or []]
        )
        levels = {_LEVEL_BY_KIND.get(o.kind, Initiative.Level.NATIONAL) for o in owners}
        level = levels.pop() if len(levels) == 1 else ""
        basis = link.get("basis") or ""
        if initiative.level != level or initiative.owners_basis != basis:
            initiative.level = level
            initiative.owners_basis = basis
            initiative.save(update_fields=["level", "owners_basis"])
            report.count(Initiative, created=False)
