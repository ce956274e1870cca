from django.core.management import call_command

from retning.actors.models import Organisation
from retning.dataset.services import dataset_seed
from retning.indicators.models import Indicator, Observation, Target
from retning.roadmap.models import Initiative
from retning.strategy.models import Goal, Grouping, Strategy, SubGoal, Theme


def history_rows() -> int:
    return sum(
        model.history.count()  # type: ignore[attr-defined]
        for model in (
            Strategy,
            Goal,
            SubGoal,
            Grouping,
            Indicator,
            Target,
            Observation,
            Initiative,
            Organisation,
            Theme,
        )
    )


def test_the_default_dataset_is_the_real_strategy(seeded: None) -> None:
    strategy = Strategy.objects.get()
    assert strategy.vision.startswith("Sammen om helhetlige, trygge og nyskapende tjenester")
    assert (strategy.period_start, strategy.period_end) == (2023, 2030)
    assert list(Goal.objects.values_list("number", flat=True)) == [1, 2, 3, 4, 5]
    assert list(Goal.objects.filter(kind="enabling").values_list("number", flat=True)) == [4, 5]
    assert SubGoal.objects.count() == 20
    assert Initiative.objects.count() == 263
    assert set(Theme.objects.values_list("slug", flat=True)) >= {
        "digital-sikkerhet",
        "digital-kompetanse",
    }
    assert Organisation.objects.get(key="HDIR").org_number == "983544622"


def test_measured_figures_are_real_and_unpublished_targets_are_marked_as_examples(
    seeded: None,
) -> None:
    contact = Indicator.objects.get(code="INNB-DIGITAL-CONTACT")
    values = {o.period: int(o.value) for o in contact.observations.all()}
    assert values == {"2019": 33, "2020": 47, "2021": 46, "2022": 54, "2023": 57}
    assert contact.targets.exists() and all(t.is_example for t in contact.targets.all())
    assert Target.objects.filter(is_example=False).exists()  # the published PLL targets


def test_seeding_twice_changes_nothing(seeded: None) -> None:
    before = history_rows()
    report = dataset_seed()
    assert not report.changed_anything, (report.created, report.updated)
    assert history_rows() == before


def test_the_seed_command_says_when_nothing_changed(seeded: None, capsys) -> None:  # type: ignore[no-untyped-def]
    call_command("seed")
    assert "ingenting er endret" in capsys.readouterr().out


def test_owners_named_in_the_export_are_linked(seeded: None) -> None:
    linked = Initiative.objects.filter(owners__isnull=False).distinct()
    assert linked.count() >= 50
    assert all(i.owners_basis for i in linked)
