"""Who may open and post every reporting page, for real against the default dataset.

Every URL of ``retning.reporting.views`` must be guarded with ``@permission_for`` and have rows in
MATRIX, so a new page without a declared permission makes this file fail.
"""

from typing import Any

import pytest
from django.urls import URLPattern, get_resolver, reverse

from retning.editing.registry import registered_views, registration_of
from retning.reporting import views
from retning.reporting.models import ReportingRound, StatusReport

from .conftest import People, client_for
from .test_views import edit_data

ROLES = ("anonymous", "plain", "reporter_own", "reporter_other", "secretariat")
LOGIN = "login"

# fmt: off
MATRIX: dict[tuple[str, str], tuple[int | str, ...]] = {
    #                                anonymous plain r_own r_other secretariat
    ("todo", "GET"):                (LOGIN,   200,  200,  200,    200),
    ("todo", "POST"):               (LOGIN,   405,  405,  405,    405),
    ("report_detail", "GET"):       (LOGIN,   403,  200,  403,    200),
    ("report_detail", "POST"):      (LOGIN,   403,  405,  403,    405),
    ("report_edit", "GET"):         (LOGIN,   403,  200,  403,    200),
    ("report_edit", "POST"):        (LOGIN,   403,  302,  403,    302),
    ("report_approve", "GET"):      (LOGIN,   403,  403,  403,    405),
    ("report_approve", "POST"):     (LOGIN,   403,  403,  403,    302),
    ("report_return", "GET"):       (LOGIN,   403,  403,  403,    200),
    ("report_return", "POST"):      (LOGIN,   403,  403,  403,    400),
    ("round_list", "GET"):          (LOGIN,   403,  403,  403,    200),
    ("round_list", "POST"):         (LOGIN,   403,  403,  403,    405),
    ("round_open", "GET"):          (LOGIN,   403,  403,  403,    200),
    ("round_open", "POST"):         (LOGIN,   403,  403,  403,    400),
    ("round_detail", "GET"):        (LOGIN,   403,  403,  403,    200),
    ("round_detail", "POST"):       (LOGIN,   403,  403,  403,    405),
    ("round_lock", "GET"):          (LOGIN,   403,  403,  403,    405),
    ("round_lock", "POST"):         (LOGIN,   403,  403,  403,    302),
}
# fmt: on


def _url(name: str, round_: ReportingRound, report: StatusReport) -> str:
    if name.startswith("report_"):
        return reverse(f"reporting:{name}", args=[report.pk])
    if name in ("round_detail", "round_lock"):
        return reverse(f"reporting:{name}", args=[round_.pk])
    return reverse(f"reporting:{name}")


def _own_patterns() -> list[URLPattern]:
    resolver = get_resolver()
    patterns = []
    for entry in resolver.url_patterns:
        for sub in getattr(entry, "url_patterns", []):
            if (
                getattr(sub, "app_name", None) == "reporting"
                or getattr(sub, "namespace", None) == "reporting"
            ):
                patterns += [p for p in sub.url_patterns if isinstance(p, URLPattern)]
    return [p for p in patterns if p.callback.__module__ == views.__name__]


def test_every_reporting_view_is_guarded_and_in_the_matrix() -> None:
    patterns = _own_patterns()
    assert patterns, "the reporting URLs were not found"
    guarded = registered_views()
    for pattern in patterns:
        assert pattern.callback in guarded, f"{pattern.name} has no @permission_for"
        assert registration_of(pattern.callback) is not None
        assert (pattern.name, "GET") in MATRIX and (pattern.name, "POST") in MATRIX, pattern.name


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "method"), sorted(MATRIX))
def test_permission_matrix(
    name: str, method: str, people: People, round_: ReportingRound, report: StatusReport
) -> None:
    expected = dict(zip(ROLES, MATRIX[(name, method)], strict=True))
    for role in ROLES:
        report.refresh_from_db()
        if name == "report_approve":
            StatusReport.objects.filter(pk=report.pk).update(state=StatusReport.State.SUBMITTED)
        url = _url(name, round_, report)
        client = client_for(people.by_role(role))
        data: dict[str, Any] = {}
        if name == "report_edit":
            data = edit_data(report)
        elif name == "report_approve":
            data = {"version": report.version}
        elif name == "round_lock":
            data = {"force": "1"}
        response = client.post(url, data) if method == "POST" else client.get(url)
        want = expected[role]
        if want == LOGIN:
            assert response.status_code == 302 and "/konto/" in response["Location"], (role, name)
        else:
            assert response.status_code == want, (role, name, method, response.status_code)
        if name == "round_lock" and response.status_code == 302:
            ReportingRound.objects.filter(pk=round_.pk).update(locked_at=None)
