from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from retning.lib.models import Versioned
from retning.lib.text import search_key

from .phases import Phase, PhaseRange

# The pure phases module names the phases in bokmål only; these marks put the names in the
# translation catalogue. The short names are what a range such as "Utvikling – innføring" uses.
PHASE_LABELS = {
    Phase.CONCEPT: _("Konsept"),
    Phase.DEVELOPMENT: _("Utvikling og begrenset utprøving"),
    Phase.ADAPTATION: _("Tilpasning og utvidet utprøving"),
    Phase.IMPLEMENTATION: _("Innføring"),
    Phase.IN_USE: _("I bruk"),
}
PHASE_SHORT_LABELS = {
    Phase.CONCEPT: _("Konsept"),
    Phase.DEVELOPMENT: pgettext_lazy("veikartfase", "Utvikling"),  # not the indicator heading
    Phase.ADAPTATION: _("Tilpasning"),
    Phase.IMPLEMENTATION: _("Innføring"),
    Phase.IN_USE: _("I bruk"),
}
PHASE_CHOICES = [(phase.value, PHASE_LABELS[phase]) for phase in Phase]


def phase_range_label(phases: PhaseRange) -> str:
    """The range in the active language, written like ``str(PhaseRange)`` writes it in bokmål."""
    if phases.is_single:
        return str(PHASE_LABELS[phases.first])
    return f"{PHASE_SHORT_LABELS[phases.first]} – {str(PHASE_SHORT_LABELS[phases.last]).lower()}"


class RoadmapVersion(models.Model):
    """One imported export of the roadmap (e.g. «2026-08»)."""

    label = models.CharField(_("versjon"), max_length=40, unique=True)
    imported_at = models.DateTimeField(_("importert"), auto_now_add=True)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("importert av"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    filename = models.CharField(_("filnavn"), max_length=255, blank=True)
    sha256 = models.CharField(_("sjekksum (SHA-256)"), max_length=64)
    row_count = models.PositiveIntegerField(_("antall rader"))
    created_count = models.PositiveIntegerField(_("nye"), default=0)
    updated_count = models.PositiveIntegerField(_("endrede"), default=0)
    unchanged_count = models.PositiveIntegerField(_("uendrede"), default=0)
    retired_count = models.PositiveIntegerField(_("ikke lenger med"), default=0)

    class Meta:
        verbose_name = _("veikartversjon")
        verbose_name_plural = _("veikartversjoner")
        ordering = ["-imported_at"]

    def __str__(self) -> str:
        return self.label


class Initiative(Versioned):
    """An activity or delivery on the roadmap (veikart-aktivitet, strategisk initiativ)."""

    class PlanningStatus(models.TextChoices):
        PLANNED = "planned", _("Planlagt")
        TENTATIVE = "tentative", _("Tentativ")

    class Level(models.TextChoices):
        NATIONAL = "national", _("Nasjonalt")
        REGIONAL = "regional", _("Regionalt")
        MUNICIPAL = "municipal", _("Kommunalt")

    class Priority(models.IntegerChoices):
        HIGH = 1, _("Høy")
        MEDIUM = 2, _("Middels")
        LOW = 3, _("Lav")

    external_id = models.CharField(
        _("leveranse-ID"),
        max_length=17,
        unique=True,
        help_text=_("Den stabile ID-en fra veikarteksporten (17 sifre)."),
    )
    title = models.CharField(_("tittel"), max_length=400)
    description = models.TextField(_("beskrivelse"), blank=True)
    subgoal = models.ForeignKey(
        "strategy.SubGoal",
        verbose_name=_("delmål"),
        on_delete=models.PROTECT,
        related_name="initiatives",
    )
    grouping = models.ForeignKey(
        "strategy.Grouping",
        verbose_name=_("gruppering"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="initiatives",
    )
    other_goals = models.ManyToManyField(
        "strategy.Goal",
        verbose_name=_("støtter også mål"),
        blank=True,
        related_name="supporting_initiatives",
    )
    phase_first = models.PositiveSmallIntegerField(
        _("fase fra"), choices=PHASE_CHOICES, null=True, blank=True
    )
    phase_last = models.PositiveSmallIntegerField(
        _("fase til"), choices=PHASE_CHOICES, null=True, blank=True
    )
    # Set by the council model (a decision may change it); the roadmap export has no priority.
    priority = models.PositiveSmallIntegerField(
        _("prioritet"), choices=Priority.choices, null=True, blank=True
    )
    planning_status = models.CharField(
        _("planleggingsstatus"),
        max_length=20,
        choices=PlanningStatus.choices,
        default=PlanningStatus.PLANNED,
    )
    start_date = models.DateField(_("startdato"), null=True, blank=True)
    end_date = models.DateField(_("sluttdato"), null=True, blank=True)
    owners = models.ManyToManyField(
        "actors.Organisation", verbose_name=_("eiere"), blank=True, related_name="initiatives"
    )
    owners_basis = models.CharField(
        _("grunnlag for eiere"),
        max_length=200,
        blank=True,
        help_text=_("Hvor opplysningen om eier kommer fra."),
    )
    user_groups = models.ManyToManyField(
        "actors.UserGroup",
        verbose_name=_("brukergrupper"),
        blank=True,
        related_name="initiatives",
    )
    level = models.CharField(_("nivå"), max_length=20, choices=Level.choices, blank=True)
    themes = models.ManyToManyField(
        "strategy.Theme",
        verbose_name=_("tverrgående forutsetninger"),
        blank=True,
        related_name="initiatives",
    )
    roadmap_version = models.ForeignKey(
        RoadmapVersion,
        verbose_name=_("sist med i veikartversjon"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="initiatives",
    )
    # The export occasionally has an end date before the start date; the importer keeps the
    # published values and records the inconsistency here instead of dropping a date.
    import_warnings = models.TextField(_("merknader fra importen"), blank=True)
    retired_in = models.ForeignKey(
        RoadmapVersion,
        verbose_name=_("tatt ut i veikartversjon"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="retired_initiatives",
    )
    search_text = models.TextField(editable=False, blank=True)
    history = HistoricalRecords(
        m2m_fields=[owners, user_groups, themes], excluded_fields=["search_text"]
    )

    class Meta:
        verbose_name = _("initiativ")
        verbose_name_plural = _("initiativer")
        ordering = ["subgoal__code", "grouping__order", "start_date", "title"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(phase_first__isnull=True, phase_last__isnull=True)
                | models.Q(phase_last__gte=models.F("phase_first")),
                name="initiative_phase_range_ordered",
                violation_error_message=_("Fasen kan ikke slutte før den begynner."),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if (
            self.start_date
            and self.end_date
            and self.end_date < self.start_date
            and not self._dates_unchanged()
        ):
            errors["end_date"] = _("Sluttdato kan ikke være før startdato.")
        if (self.phase_first is None) != (self.phase_last is None):
            errors["phase_last"] = _("Oppgi både første og siste fase, eller ingen av dem.")
        elif self.phase_first and self.phase_last and self.phase_last < self.phase_first:
            errors["phase_last"] = _("Fasen kan ikke slutte før den begynner.")
        if self.grouping_id and self.subgoal_id and self.grouping.subgoal_id != self.subgoal_id:
            errors["grouping"] = _("Grupperingen hører til et annet delmål.")
        if errors:
            raise ValidationError(errors)

    def _dates_unchanged(self) -> bool:
        """True when the stored dates are these: a few rows of the official export end before they
        start and are kept as published (with a note), so editing anything else must still work."""
        if self.pk is None:
            return False
        stored = type(self).objects.filter(pk=self.pk)
        return stored.filter(start_date=self.start_date, end_date=self.end_date).exists()

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.search_text = search_key(self.external_id, self.title, self.description)
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "search_text"}
        super().save(*args, **kwargs)

    @property
    def phase_range(self) -> PhaseRange | None:
        if self.phase_first is None or self.phase_last is None:
            return None
        return PhaseRange(Phase(self.phase_first), Phase(self.phase_last))

    @property
    def is_tentative(self) -> bool:
        return self.planning_status == self.PlanningStatus.TENTATIVE

    def get_absolute_url(self) -> str:
        return reverse("publishing:initiative_detail", args=[self.external_id])


class Delivery(Versioned):
    """A milestone in the stepwise delivery of an initiative."""

    class Kind(models.TextChoices):
        AVAILABLE = "available", _("Tilgjengelig for innføring")
        PROVISIONAL = "provisional", _("Foreløpig dato")
        COMPLETED = "completed", _("Innføring fullført")

    initiative = models.ForeignKey(
        Initiative,
        verbose_name=_("initiativ"),
        on_delete=models.CASCADE,
        related_name="deliveries",
    )
    title = models.CharField(_("tittel"), max_length=300)
    kind = models.CharField(_("type milepæl"), max_length=20, choices=Kind.choices)
    planned_date = models.DateField(_("planlagt dato"), null=True, blank=True)
    # The owner's latest expectation, updated through status reports; planned_date stays the plan.
    forecast_date = models.DateField(_("prognosedato"), null=True, blank=True)
    actual_date = models.DateField(_("faktisk dato"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("leveranse")
        verbose_name_plural = _("leveranser")
        ordering = ["initiative", "planned_date"]

    def __str__(self) -> str:
        return self.title


class Dependency(models.Model):
    """``dependent`` needs ``prerequisite`` first; either side may narrow to one of its deliveries."""

    dependent = models.ForeignKey(
        Initiative,
        verbose_name=_("avhengig initiativ"),
        on_delete=models.CASCADE,
        related_name="dependencies",
    )
    dependent_delivery = models.ForeignKey(
        Delivery,
        verbose_name=_("avhengig leveranse"),
        on_delete=models.CASCADE,
        related_name="dependencies",
        null=True,
        blank=True,
    )
    prerequisite = models.ForeignKey(
        Initiative,
        verbose_name=_("forutsetter initiativ"),
        on_delete=models.CASCADE,
        related_name="dependents",
    )
    prerequisite_delivery = models.ForeignKey(
        Delivery,
        verbose_name=_("forutsetter leveranse"),
        on_delete=models.CASCADE,
        related_name="dependents",
        null=True,
        blank=True,
    )
    note = models.CharField(_("merknad"), max_length=300, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("avhengighet")
        verbose_name_plural = _("avhengigheter")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(dependent=models.F("prerequisite")),
                name="dependency_not_on_itself",
            ),
            # An empty delivery means "the whole initiative"; Coalesce makes two such rows equal
            # on every database (SQLite has no NULLS NOT DISTINCT).
            models.UniqueConstraint(
                "dependent",
                Coalesce("dependent_delivery", models.Value(0)),
                "prerequisite",
                Coalesce("prerequisite_delivery", models.Value(0)),
                name="dependency_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.dependent} ← {self.prerequisite}"
