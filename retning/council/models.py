"""The national council model (rådsmodell): bodies, meetings, cases, decisions and plan versions."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from retning.lib.models import Versioned

from . import workflow


class Body(Versioned):
    """A council or committee (råd/utvalg) that meets and treats cases."""

    name = models.CharField(_("navn"), max_length=200, unique=True)
    short_name = models.CharField(_("kortnavn"), max_length=20, unique=True)
    mandate = models.TextField(_("mandat"), blank=True)
    level = models.PositiveSmallIntegerField(_("nivå"), default=1)
    order = models.PositiveSmallIntegerField(_("rekkefølge"), default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("råd eller utvalg")
        verbose_name_plural = _("råd og utvalg")
        ordering = ["level", "order", "name"]

    def __str__(self) -> str:
        return self.name


class Membership(Versioned):
    class Role(models.TextChoices):
        CHAIR = "chair", _("Leder")
        MEMBER = "member", _("Medlem")
        OBSERVER = "observer", _("Observatør")
        SECRETARIAT = "secretariat", _("Sekretariat")

    body = models.ForeignKey(
        Body, verbose_name=_("råd eller utvalg"), on_delete=models.CASCADE, related_name="members"
    )
    # Members need no account: most only receive papers and never sign in.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("bruker"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="council_memberships",
    )
    person_name = models.CharField(_("navn"), max_length=200)
    organisation = models.ForeignKey(
        "actors.Organisation",
        verbose_name=_("virksomhet"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="council_memberships",
    )
    role = models.CharField(_("rolle"), max_length=20, choices=Role.choices, default=Role.MEMBER)
    term_start = models.DateField(_("periode fra"), null=True, blank=True)
    term_end = models.DateField(_("periode til"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("medlemskap")
        verbose_name_plural = _("medlemskap")
        ordering = ["body", "role", "person_name"]

    def __str__(self) -> str:
        return f"{self.person_name} ({self.get_role_display()})"

    def clean(self) -> None:
        if self.term_start and self.term_end and self.term_end < self.term_start:
            raise ValidationError({"term_end": _("Perioden kan ikke slutte før den begynner.")})


class NumberCounter(models.Model):
    """The last meeting or case number a body used in a year.

    Numbers come from here rather than from the highest number in use, so that a withdrawn
    case's number is never handed out again. Rows are locked while a number is taken.
    """

    class Kind(models.TextChoices):
        MEETING = "meeting", _("Møte")
        CASE = "case", _("Sak")

    body = models.ForeignKey(Body, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=10, choices=Kind.choices)
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["body", "year", "kind"], name="unique_council_counter")
        ]

    def __str__(self) -> str:
        return f"{self.body.short_name} {self.kind} {self.year}: {self.last_number}"


class Meeting(Versioned):
    # The same values as workflow.MeetingStatus, which holds the rules.
    class Status(models.TextChoices):
        PLANNED = "planned", _("Planlagt")
        CONVENED = "convened", _("Innkalt")
        HELD = "held", _("Avholdt")
        MINUTES_APPROVED = "minutes_approved", _("Referat godkjent")

    body = models.ForeignKey(
        Body, verbose_name=_("råd eller utvalg"), on_delete=models.PROTECT, related_name="meetings"
    )
    year = models.PositiveSmallIntegerField(_("år"), editable=False)
    number = models.PositiveIntegerField(_("møtenummer"), editable=False)
    date = models.DateField(_("dato"))
    place = models.CharField(_("sted"), max_length=200, blank=True)
    video_link = models.URLField(_("videolenke"), max_length=500, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PLANNED, editable=False
    )
    convened_at = models.DateTimeField(_("innkalling sendt"), null=True, blank=True, editable=False)
    minutes = models.TextField(_("referat"), blank=True)
    minutes_approved_at = models.DateTimeField(
        _("referat godkjent"), null=True, blank=True, editable=False
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("møte")
        verbose_name_plural = _("møter")
        ordering = ["-date", "body"]
        constraints = [
            models.UniqueConstraint(fields=["body", "year", "number"], name="unique_meeting_number")
        ]

    def __str__(self) -> str:
        return f"{self.body.short_name} {self.label}"

    @property
    def label(self) -> str:
        return workflow.meeting_label(self.number, self.year)

    @property
    def minutes_locked(self) -> bool:
        return self.status == workflow.MeetingStatus.MINUTES_APPROVED


class AgendaItem(models.Model):
    """A standard item every meeting has; cases are listed between the opening and closing ones."""

    class Kind(models.TextChoices):
        NOTICE = "notice", _("Godkjenning av innkalling og dagsorden")
        PREVIOUS_MINUTES = "previous_minutes", _("Godkjenning av referat fra forrige møte")
        ANY_OTHER = "any_other", _("Eventuelt")

    meeting = models.ForeignKey(
        Meeting, verbose_name=_("møte"), on_delete=models.CASCADE, related_name="agenda_items"
    )
    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices)
    title = models.CharField(_("tittel"), max_length=200)
    # Opening items sort before cases and the closing one after them (see STANDARD_ITEMS).
    order = models.SmallIntegerField(_("rekkefølge"))

    class Meta:
        verbose_name = _("fast punkt")
        verbose_name_plural = _("faste punkter")
        ordering = ["meeting", "order"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "kind"], name="unique_standard_item")
        ]

    def __str__(self) -> str:
        return self.title


CASES_ORDER = 0  # where the cases go between the standard items
STANDARD_ITEMS = [
    (AgendaItem.Kind.NOTICE, -2),
    (AgendaItem.Kind.PREVIOUS_MINUTES, -1),
    (AgendaItem.Kind.ANY_OTHER, 1),
]


class Case(Versioned):
    # The same values as workflow.CaseStatus, which holds the rules.
    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Foreslått")
        SCHEDULED = "scheduled", _("Satt på sakslisten")
        WITHDRAWN = "withdrawn", _("Trukket")
        DECIDED = "decided", _("Behandlet")

    class Type(models.TextChoices):
        APPROVAL = "approval", _("Godkjenning")
        BRIEFING = "briefing", _("Orientering")
        DISCUSSION = "discussion", _("Drøfting")
        ENDORSEMENT = "endorsement", _("Tilslutning")
        RECOMMENDATION = "recommendation", _("Anbefaling")
        RESOLUTION = "resolution", _("Beslutning")

    body = models.ForeignKey(
        Body, verbose_name=_("råd eller utvalg"), on_delete=models.PROTECT, related_name="cases"
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("foreslått av"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="proposed_council_cases",
    )
    proposing_organisation = models.ForeignKey(
        "actors.Organisation",
        verbose_name=_("foreslått av virksomhet"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="proposed_council_cases",
    )
    title = models.CharField(_("tittel"), max_length=300)
    background = models.TextField(_("bakgrunn"), blank=True)
    requested_action = models.TextField(_("hva rådet blir bedt om"), blank=True)
    case_type = models.CharField(_("sakstype"), max_length=20, choices=Type.choices)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PROPOSED, editable=False
    )
    meeting = models.ForeignKey(
        Meeting,
        verbose_name=_("møte"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cases",
        editable=False,
    )
    year = models.PositiveSmallIntegerField(_("saksår"), null=True, blank=True, editable=False)
    number = models.PositiveIntegerField(_("saksnummer"), null=True, blank=True, editable=False)
    goals = models.ManyToManyField(
        "strategy.Goal", verbose_name=_("strategiske mål"), blank=True, related_name="+"
    )
    subgoals = models.ManyToManyField(
        "strategy.SubGoal", verbose_name=_("delmål"), blank=True, related_name="+"
    )
    indicators = models.ManyToManyField(
        "indicators.Indicator", verbose_name=_("målindikatorer"), blank=True, related_name="+"
    )
    initiatives = models.ManyToManyField(
        "roadmap.Initiative", verbose_name=_("initiativer"), blank=True, related_name="+"
    )
    is_exempt = models.BooleanField(_("unntatt offentlighet"), default=False)
    exemption_basis = models.CharField(
        _("hjemmel for unntak"),
        max_length=200,
        blank=True,
        help_text=_("For eksempel «offentleglova § 14 første ledd»."),
    )
    proposed_resolution = models.TextField(_("forslag til vedtak"), blank=True)
    assessment = models.TextField(_("vurdering"), blank=True)
    created_at = models.DateTimeField(_("foreslått"), auto_now_add=True)
    history = HistoricalRecords(m2m_fields=[goals, subgoals, indicators, initiatives])

    class Meta:
        verbose_name = _("sak")
        verbose_name_plural = _("saker")
        ordering = ["body", "year", "number", "created_at"]
        constraints = [
            models.UniqueConstraint(fields=["body", "year", "number"], name="unique_case_number"),
            models.CheckConstraint(
                condition=models.Q(is_exempt=False) | ~models.Q(exemption_basis=""),
                name="exempt_case_has_legal_basis",
                violation_error_message=_(
                    "En sak som er unntatt offentlighet må ha hjemmel i offentleglova."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.label}: {self.title}" if self.number else self.title

    @property
    def label(self) -> str:
        if self.number is None or self.year is None:
            return str(_("Sak uten nummer"))
        return workflow.case_label(self.number, self.year)

    def clean(self) -> None:
        if self.is_exempt and not self.exemption_basis.strip():
            raise ValidationError(
                {
                    "exemption_basis": _(
                        "Oppgi hjemmel i offentleglova (for eksempel «§ 14») når saken er "
                        "unntatt offentlighet."
                    )
                }
            )


class EvidenceSnapshot(models.Model):
    """What the linked goals, indicators and initiatives looked like when the notice went out.

    Members decide on the papers they received; later edits to the data must not rewrite them.
    """

    case = models.ForeignKey(
        Case, verbose_name=_("sak"), on_delete=models.CASCADE, related_name="snapshots"
    )
    meeting = models.ForeignKey(
        Meeting, verbose_name=_("møte"), on_delete=models.CASCADE, related_name="snapshots"
    )
    taken_at = models.DateTimeField(_("tatt"))
    data = models.JSONField(_("grunnlag"), encoder=DjangoJSONEncoder)

    class Meta:
        verbose_name = _("frosset grunnlag")
        verbose_name_plural = _("frosne grunnlag")
        constraints = [
            models.UniqueConstraint(fields=["case", "meeting"], name="unique_snapshot_per_meeting")
        ]

    def __str__(self) -> str:
        return f"{self.case.label} ({self.taken_at:%Y-%m-%d})"


class Decision(models.Model):
    case = models.OneToOneField(
        Case, verbose_name=_("sak"), on_delete=models.PROTECT, related_name="decision"
    )
    meeting = models.ForeignKey(
        Meeting, verbose_name=_("møte"), on_delete=models.PROTECT, related_name="decisions"
    )
    text = models.TextField(_("vedtak"))
    recorded_at = models.DateTimeField(_("registrert"), auto_now_add=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("registrert av"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("vedtak")
        verbose_name_plural = _("vedtak")
        ordering = ["meeting", "case__number"]

    def __str__(self) -> str:
        return f"{self.case.label}: {self.text[:60]}"


class PlanVersion(models.Model):
    """A numbered state of the plan for realisation (plan for realisering)."""

    class Kind(models.TextChoices):
        COUNCIL_DECISION = "council_decision", _("Vedtak i rådsmodellen")
        ROADMAP_IMPORT = "roadmap_import", _("Import av veikart")

    label = models.CharField(_("versjon"), max_length=60, unique=True)
    created_at = models.DateTimeField(_("opprettet"), auto_now_add=True)
    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices)
    meeting = models.ForeignKey(
        Meeting,
        verbose_name=_("møte"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="plan_versions",
    )
    roadmap_version = models.ForeignKey(
        "roadmap.RoadmapVersion",
        verbose_name=_("veikartversjon"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decisions = models.ManyToManyField(
        Decision, verbose_name=_("vedtak"), blank=True, related_name="plan_versions"
    )

    class Meta:
        verbose_name = _("planversjon")
        verbose_name_plural = _("planversjoner")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.label


class PlanChange(models.Model):
    """One change to the plan that a decision makes, applied when the minutes are approved."""

    class Kind(models.TextChoices):
        ADD = "add", _("Legg til")
        CHANGE = "change", _("Endre")
        RETIRE = "retire", _("Fjern")

    decision = models.ForeignKey(
        Decision, verbose_name=_("vedtak"), on_delete=models.CASCADE, related_name="changes"
    )
    kind = models.CharField(_("type"), max_length=10, choices=Kind.choices)
    # Generic, so one change can point at a goal, sub-goal, indicator, target or initiative alike.
    # For «add» the object id is filled in when the new record has been created.
    content_type = models.ForeignKey(
        ContentType, verbose_name=_("type objekt"), on_delete=models.PROTECT, related_name="+"
    )
    object_id = models.PositiveBigIntegerField(_("objekt-ID"), null=True, blank=True)
    target = GenericForeignKey("content_type", "object_id")
    field_name = models.CharField(_("felt"), max_length=60, blank=True)
    old_value = models.JSONField(
        _("gammel verdi"), null=True, blank=True, encoder=DjangoJSONEncoder
    )
    new_value = models.JSONField(_("ny verdi"), null=True, blank=True, encoder=DjangoJSONEncoder)
    order = models.PositiveSmallIntegerField(_("rekkefølge"), default=0)
    applied_in = models.ForeignKey(
        PlanVersion,
        verbose_name=_("innført i planversjon"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="changes",
    )

    class Meta:
        verbose_name = _("planendring")
        verbose_name_plural = _("planendringer")
        ordering = ["decision", "order", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.content_type.model} {self.object_id} {self.field_name}"


class CaseAttachment(models.Model):
    """A document attached to a case: PDF, DOCX or XLSX, checked by content, not by name."""

    class Kind(models.TextChoices):
        PDF = "pdf", "PDF"
        DOCX = "docx", "Word (DOCX)"
        XLSX = "xlsx", "Excel (XLSX)"

    case = models.ForeignKey(
        Case, verbose_name=_("sak"), on_delete=models.CASCADE, related_name="attachments"
    )
    display_name = models.CharField(_("filnavn"), max_length=200)
    stored_name = models.CharField(_("lagret som"), max_length=200, unique=True, editable=False)
    kind = models.CharField(_("filtype"), max_length=10, choices=Kind.choices)
    size = models.PositiveIntegerField(_("størrelse (byte)"))
    sha256 = models.CharField(_("sjekksum (SHA-256)"), max_length=64)
    uploaded_at = models.DateTimeField(_("lastet opp"), auto_now_add=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("lastet opp av"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("vedlegg")
        verbose_name_plural = _("vedlegg")
        ordering = ["case", "uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.display_name


class Attendance(models.Model):
    """Who took part in a meeting, as the minutes record it."""

    meeting = models.ForeignKey(
        Meeting, verbose_name=_("møte"), on_delete=models.CASCADE, related_name="attendance"
    )
    membership = models.ForeignKey(
        Membership, verbose_name=_("medlem"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("deltakelse")
        verbose_name_plural = _("deltakelse")
        constraints = [
            models.UniqueConstraint(fields=["meeting", "membership"], name="unique_attendance")
        ]

    def __str__(self) -> str:
        return f"{self.membership.person_name} – {self.meeting}"


class FollowUpAction(Versioned):
    """Something a decision asks someone to do, tracked until it is done."""

    class Status(models.TextChoices):
        OPEN = "open", _("Åpen")
        DONE = "done", _("Utført")

    decision = models.ForeignKey(
        Decision, verbose_name=_("vedtak"), on_delete=models.CASCADE, related_name="actions"
    )
    description = models.TextField(_("oppfølging"))
    owner_organisation = models.ForeignKey(
        "actors.Organisation",
        verbose_name=_("ansvarlig virksomhet"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    owner_person = models.CharField(_("ansvarlig person"), max_length=200, blank=True)
    due_date = models.DateField(_("frist"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    done_at = models.DateTimeField(_("utført"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("oppfølgingspunkt")
        verbose_name_plural = _("oppfølgingspunkter")
        ordering = ["due_date", "pk"]

    def __str__(self) -> str:
        return self.description[:80]

    def clean(self) -> None:
        if self.owner_organisation_id is None and not self.owner_person.strip():
            raise ValidationError({"owner_person": _("Oppgi ansvarlig virksomhet eller person.")})
