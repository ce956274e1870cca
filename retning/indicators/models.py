from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from retning.lib.models import Versioned
from retning.lib.text import search_key

from . import periods


def validate_period_code(value: str) -> None:
    try:
        periods.parse_period(value)
    except periods.PeriodError as error:
        raise ValidationError(str(error), code="invalid_period") from error


class Indicator(Versioned):
    class Direction(models.TextChoices):
        HIGHER_IS_BETTER = "higher_is_better", _("Høyere er bedre")
        LOWER_IS_BETTER = "lower_is_better", _("Lavere er bedre")

    class Frequency(models.TextChoices):
        YEARLY = "yearly", _("Årlig")
        HALF_YEARLY = "half_yearly", _("Halvårlig")
        TERTIAL = "tertial", _("Per tertial")
        QUARTERLY = "quarterly", _("Kvartalsvis")
        MONTHLY = "monthly", _("Månedlig")
        IRREGULAR = "irregular", _("Uregelmessig")

    code = models.CharField(_("kode"), max_length=60, unique=True)
    name = models.CharField(_("navn"), max_length=300)
    name_en = models.CharField(_("navn på engelsk"), max_length=300, blank=True)
    definition = models.TextField(_("definisjon"), blank=True)
    goal = models.ForeignKey(
        "strategy.Goal",
        verbose_name=_("strategisk mål"),
        on_delete=models.PROTECT,
        related_name="indicators",
    )
    subgoal = models.ForeignKey(
        "strategy.SubGoal",
        verbose_name=_("delmål"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="indicators",
    )
    unit = models.CharField(_("enhet"), max_length=40)
    unit_label = models.CharField(_("enhet slik den vises"), max_length=60, blank=True)
    decimals = models.PositiveSmallIntegerField(_("desimaler"), default=0)
    direction = models.CharField(
        _("retning"), max_length=20, choices=Direction.choices, default=Direction.HIGHER_IS_BETTER
    )
    data_source = models.CharField(_("datakilde"), max_length=300, blank=True)
    frequency = models.CharField(
        _("hyppighet"), max_length=20, choices=Frequency.choices, blank=True
    )
    responsible = models.ForeignKey(
        "actors.Organisation",
        verbose_name=_("ansvarlig aktør"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="indicators",
    )
    methodology_note = models.TextField(_("metodenotat"), blank=True)
    themes = models.ManyToManyField(
        "strategy.Theme",
        verbose_name=_("tverrgående forutsetninger"),
        blank=True,
        related_name="indicators",
    )
    sources = models.ManyToManyField("strategy.Source", verbose_name=_("kilder"), blank=True)
    baseline_period = models.CharField(
        _("utgangsverdi, periode"), max_length=10, blank=True, validators=[validate_period_code]
    )
    baseline_value = models.DecimalField(
        _("utgangsverdi"), max_digits=20, decimal_places=6, null=True, blank=True
    )
    baseline_is_example = models.BooleanField(_("utgangsverdien er eksempeldata"), default=False)

    # How progress toward the target is assessed (see indicators/assessment.py and the
    # methodology page). Thresholds are those of the SDG progress assessment unless changed.
    class AssessmentMethod(models.TextChoices):
        CAGR_RATIO = "cagr_ratio", _("Forholdstall for årlig vekst (CAGR)")
        LINEAR_TRAJECTORY = "linear_trajectory", _("Lineær bane mot målet")

    assessment_method = models.CharField(
        _("vurderingsmetode"),
        max_length=20,
        choices=AssessmentMethod.choices,
        default=AssessmentMethod.CAGR_RATIO,
    )
    threshold_on_track = models.DecimalField(
        _("terskel: i rute"), max_digits=6, decimal_places=4, default=Decimal("0.95")
    )
    threshold_acceleration = models.DecimalField(
        _("terskel: trenger mer fart"), max_digits=6, decimal_places=4, default=Decimal("0.6")
    )
    threshold_limited = models.DecimalField(
        _("terskel: begrenset framgang"), max_digits=6, decimal_places=4, default=Decimal("0")
    )
    linear_tolerance = models.DecimalField(
        _("toleranse for lineær bane"),
        max_digits=6,
        decimal_places=4,
        default=Decimal("0.05"),
        help_text=_("Andel av den planlagte endringen som regnes som i rute."),
    )
    search_text = models.TextField(editable=False, blank=True)
    history = HistoricalRecords(m2m_fields=[themes], excluded_fields=["search_text"])

    class Meta:
        verbose_name = _("målindikator")
        verbose_name_plural = _("målindikatorer")
        ordering = ["goal__number", "code"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.subgoal_id and self.goal_id and self.subgoal.goal_id != self.goal_id:
            errors["subgoal"] = _("Delmålet hører til et annet strategisk mål.")
        if bool(self.baseline_period) != (self.baseline_value is not None):
            errors["baseline_value"] = _("Utgangsverdi trenger både periode og verdi.")
        if errors:
            raise ValidationError(errors)

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.search_text = search_key(self.code, self.name, self.name_en, self.definition)
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("publishing:indicator_detail", args=[self.code])

    @property
    def baseline(self) -> periods.Period | None:
        return periods.parse_period(self.baseline_period) if self.baseline_period else None


class Target(Versioned):
    indicator = models.ForeignKey(
        Indicator, verbose_name=_("målindikator"), on_delete=models.CASCADE, related_name="targets"
    )
    period = models.CharField(_("periode"), max_length=10, validators=[validate_period_code])
    value = models.DecimalField(_("målverdi"), max_digits=20, decimal_places=6)
    is_example = models.BooleanField(
        _("eksempeldata"), default=False, help_text=_("Målverdien er ikke publisert.")
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("målverdi")
        verbose_name_plural = _("målverdier")
        ordering = ["indicator", "period"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "period"],
                name="unique_target_period",
                violation_error_message=_(
                    "Indikatoren har allerede en målverdi for denne perioden."
                ),
            )
        ]

    def __str__(self) -> str:
        return f"{self.period}: {self.value}"

    def clean(self) -> None:
        from retning.strategy.models import Strategy

        try:
            period = periods.parse_period(self.period)
        except periods.PeriodError:
            return  # the field validator reports it
        strategy = Strategy.current()
        if strategy and not strategy.period_start <= period.year <= strategy.period_end:
            raise ValidationError(
                {
                    "period": _(
                        "Målperioden %(period)s ligger utenfor strategiperioden %(start)s–%(end)s."
                    )
                    % {
                        "period": self.period,
                        "start": strategy.period_start,
                        "end": strategy.period_end,
                    }
                }
            )


class Observation(Versioned):
    class Status(models.TextChoices):
        NORMAL = "", _("Ordinær")
        APPROXIMATE = "approximate", _("Omtrentlig verdi")
        PROVISIONAL = "provisional", _("Foreløpig tall")
        NOT_AVAILABLE = "not_available", _("Tall finnes ikke eller er ikke tilgjengelig")
        NOT_APPLICABLE = "not_applicable", _("Kan ikke forekomme")
        CONFIDENTIAL = "confidential", _("Skjermet")

    indicator = models.ForeignKey(
        Indicator,
        verbose_name=_("målindikator"),
        on_delete=models.CASCADE,
        related_name="observations",
    )
    period = models.CharField(_("periode"), max_length=10, validators=[validate_period_code])
    # Derived from ``period`` on save so that series sort and filter by time in the database.
    period_start = models.DateField(_("periodens start"), editable=False)
    value = models.DecimalField(_("verdi"), max_digits=20, decimal_places=6, null=True, blank=True)
    breakdown_dimension = models.CharField(_("inndeling"), max_length=40, blank=True)
    breakdown_value = models.CharField(_("inndelingsverdi"), max_length=120, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, blank=True)
    source = models.CharField(_("kilde"), max_length=300, blank=True)
    note = models.TextField(_("merknad"), blank=True)
    # The import that last wrote this value: history then tells who, when and from which file.
    import_batch = models.ForeignKey(
        "ImportBatch",
        verbose_name=_("import"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="observations",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("måling")
        verbose_name_plural = _("målinger")
        ordering = ["indicator", "breakdown_dimension", "breakdown_value", "period_start"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "period", "breakdown_dimension", "breakdown_value"],
                name="unique_observation",
                violation_error_message=_("Det finnes allerede en måling for denne perioden."),
            )
        ]
        # The series index ``observation_series_idx`` — (indicator, breakdown_dimension,
        # breakdown_value, kind of period, period_start) carrying period and value — is made by
        # migration 0004 with SQL of its own for PostgreSQL (INCLUDE) and SQLite (which has no
        # INCLUDE and gets period and value as key columns). Pages read a series in time order
        # from it, and the re-assessment of every series jumps from series to series and reads
        # only each series' first and last value (``selectors._series_ends``).

    def __str__(self) -> str:
        return f"{self.indicator.code} {self.period}: {self.value}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.period_start = periods.parse_period(self.period).start
        super().save(*args, **kwargs)

    def clean(self) -> None:
        if self.value is None and self.status not in {
            self.Status.NOT_AVAILABLE,
            self.Status.NOT_APPLICABLE,
            self.Status.CONFIDENTIAL,
        }:
            raise ValidationError(
                {
                    "value": _(
                        "En måling uten verdi må ha status «ikke tilgjengelig» eller «skjermet»."
                    )
                }
            )


class ImportMapping(models.Model):
    """How one source's files map onto an indicator, saved so the next import asks nothing."""

    indicator = models.ForeignKey(
        Indicator, verbose_name=_("målindikator"), on_delete=models.CASCADE, related_name="mappings"
    )
    source_name = models.CharField(
        _("kilde"), max_length=200, help_text=_("For eksempel «SSB tabell 12345».")
    )
    file_format = models.CharField(_("filformat"), max_length=20)
    mapping = models.JSONField(_("oppsett"))
    created_at = models.DateTimeField(_("opprettet"), auto_now_add=True)
    updated_at = models.DateTimeField(_("endret"), auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("importoppsett")
        verbose_name_plural = _("importoppsett")
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "source_name"],
                name="unique_mapping_per_source",
                violation_error_message=_("Indikatoren har allerede et oppsett for denne kilden."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.indicator.code}: {self.source_name}"


class ImportBatch(models.Model):
    """One file imported into an indicator: who, when, and the file's checksum."""

    indicator = models.ForeignKey(
        Indicator, verbose_name=_("målindikator"), on_delete=models.CASCADE, related_name="imports"
    )
    filename = models.CharField(_("filnavn"), max_length=255)
    sha256 = models.CharField(_("sjekksum (SHA-256)"), max_length=64)
    file_format = models.CharField(_("filformat"), max_length=20)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("importert av"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    imported_at = models.DateTimeField(_("importert"), auto_now_add=True)
    created_count = models.PositiveIntegerField(_("nye"), default=0)
    changed_count = models.PositiveIntegerField(_("endrede"), default=0)
    unchanged_count = models.PositiveIntegerField(_("uendrede"), default=0)

    class Meta:
        verbose_name = _("import av målinger")
        verbose_name_plural = _("importer av målinger")
        ordering = ["-imported_at"]

    def __str__(self) -> str:
        return f"{self.indicator.code}: {self.filename} ({self.imported_at:%Y-%m-%d %H:%M})"


class AssessmentOverride(models.Model):
    """The secretariat's own judgement of a series, always with a written reason."""

    indicator = models.ForeignKey(
        Indicator,
        verbose_name=_("målindikator"),
        on_delete=models.CASCADE,
        related_name="assessment_overrides",
    )
    breakdown_dimension = models.CharField(_("inndeling"), max_length=40, blank=True)
    breakdown_value = models.CharField(_("inndelingsverdi"), max_length=120, blank=True)
    status = models.CharField(_("vurdering"), max_length=30)
    reason = models.TextField(_("begrunnelse"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("overstyrt av"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("overstyrt"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("overstyrt vurdering")
        verbose_name_plural = _("overstyrte vurderinger")
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "breakdown_dimension", "breakdown_value"],
                name="one_override_per_series",
            ),
            models.CheckConstraint(condition=~models.Q(reason=""), name="override_needs_a_reason"),
        ]

    def __str__(self) -> str:
        return f"{self.indicator.code}: {self.status}"
