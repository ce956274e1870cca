from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from retning.lib.models import Versioned

from . import orgnr


def validate_organisation_number(value: str) -> None:
    try:
        orgnr.validate(value)
    except orgnr.InvalidOrganisationNumber as error:
        raise ValidationError(str(error), code="invalid_orgnr") from error


class Organisation(Versioned):
    class Kind(models.TextChoices):
        MINISTRY = "ministry", _("Departement")
        DIRECTORATE = "directorate", _("Direktorat eller etat")
        RHF = "rhf", _("Regionalt helseforetak")
        HF = "hf", _("Helseforetak")
        MUNICIPALITY = "municipality", _("Kommune")
        COUNTY = "county", _("Fylkeskommune")
        STATE_ENTERPRISE = "state_enterprise", _("Statsforetak eller statlig selskap")
        INTEREST_ORGANISATION = "interest_organisation", _("Interesseorganisasjon")
        PATIENT_ORGANISATION = "patient_organisation", _("Pasient- og brukerorganisasjon")
        PRIVATE = "private", _("Privat virksomhet")
        OTHER = "other", _("Annen")

    key = models.CharField(_("nøkkel"), max_length=40, unique=True)
    slug = models.SlugField(_("adresse"), max_length=80, unique=True)
    name = models.CharField(_("navn"), max_length=200)
    short_name = models.CharField(_("kortnavn"), max_length=40, blank=True)
    kind = models.CharField(_("type aktør"), max_length=30, choices=Kind.choices)
    # Room for the spaces people type ("983 544 622"); clean() stores the nine digits only.
    org_number = models.CharField(
        _("organisasjonsnummer"),
        max_length=11,
        blank=True,
        validators=[validate_organisation_number],
        help_text=_("Ni sifre fra Enhetsregisteret."),
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("overordnet aktør"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    url = models.URLField(_("nettsted"), blank=True)
    description = models.TextField(_("beskrivelse"), blank=True)
    former = models.BooleanField(
        _("nedlagt"), default=False, help_text=_("Aktøren finnes ikke lenger.")
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("aktør")
        verbose_name_plural = _("aktører")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["org_number"],
                condition=~models.Q(org_number=""),
                name="unique_org_number",
                violation_error_message=_(
                    "En annen aktør har allerede dette organisasjonsnummeret."
                ),
            )
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.org_number:
            self.org_number = orgnr.normalise(self.org_number)
        if self.parent_id and self.parent_id == self.pk:
            raise ValidationError({"parent": _("En aktør kan ikke være overordnet seg selv.")})

    @property
    def display_name(self) -> str:
        return self.short_name or self.name

    def get_absolute_url(self) -> str:
        return reverse("publishing:organisation_detail", args=[self.slug])


class UserGroup(models.Model):
    slug = models.SlugField(_("adresse"), max_length=80, unique=True)
    name = models.CharField(_("navn"), max_length=120)
    name_en = models.CharField(_("navn på engelsk"), max_length=120, blank=True)
    confirmed = models.BooleanField(
        _("offisiell brukergruppe"),
        default=False,
        help_text=_("Brukt som filter i det publiserte veikartet."),
    )

    class Meta:
        verbose_name = _("brukergruppe")
        verbose_name_plural = _("brukergrupper")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
