"""The JSON API, version 1 (django-ninja)."""

from ninja import NinjaAPI

api = NinjaAPI(
    title="Retning API",
    version="1",
    urls_namespace="api-v1",
    description="Åpne data om Nasjonal e-helsestrategi 2023–2030 og planen for realisering.",
)
