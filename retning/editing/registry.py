"""Who may open each editing view, decided in one place per view.

``@permission_for`` guards a view and records the decision here. The permission-matrix test walks
the URL resolver and fails for any view under /rediger/ that is not registered, so a new write view
cannot be added without saying who may use it.
"""

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import resolve

type Lookup = Callable[..., Any]
type View = Callable[..., HttpResponse]


@dataclass(frozen=True)
class Registration:
    """The permission a view asks for, and how it finds the object the permission is about."""

    view_name: str
    permission: str
    lookup: Lookup | None


_registry: dict[Callable[..., HttpResponse], Registration] = {}


def permission_for(permission: str, *, lookup: Lookup | None = None) -> Callable[[View], View]:
    """Guard a view with ``request.user.has_perm(permission, obj)``.

    ``lookup`` receives the URL's keyword arguments and returns the object (or raises Http404); the
    view is then called as ``view(request, obj)``. Without a lookup the permission is global and
    the view is called as ``view(request)``. Anonymous visitors go to the sign-in page first, so
    they learn nothing about which records exist.
    """

    def decorate(view: View) -> View:
        @wraps(view)
        def guarded(request: HttpRequest, **kwargs: Any) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            obj = lookup(**kwargs) if lookup is not None else None
            if not request.user.has_perm(permission, obj):
                return forbidden(request)
            return view(request, obj) if lookup is not None else view(request)

        _registry[guarded] = Registration(
            view_name=f"{view.__module__}.{view.__qualname__}",
            permission=permission,
            lookup=lookup,
        )
        return guarded

    return decorate


def forbidden(request: HttpRequest) -> HttpResponse:
    return render(request, "editing/forbidden.html", status=403)


def registration_of(view: Callable[..., Any]) -> Registration | None:
    return _registry.get(view)


def registered_views() -> set[Callable[..., HttpResponse]]:
    return set(_registry)


def may_open(user: Any, url: str, obj: Any) -> bool:
    """Whether ``user`` passes the permission of the registered view behind ``url`` for ``obj``."""
    registration = registration_of(resolve(url).func)
    if registration is None:
        return False
    return bool(user.has_perm(registration.permission, obj))
