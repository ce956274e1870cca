"""The council model's bodies as the strategy describes them (names from Helsedirektoratet)."""

from typing import TypedDict


class BodyDefaults(TypedDict):
    short_name: str
    name: str
    level: int
    order: int
    mandate: str


DEFAULT_BODIES: list[BodyDefaults] = [
    {
        "short_name": "EHR",
        "name": "Nasjonalt e-helseråd",
        "level": 1,
        "order": 1,
        "mandate": (
            "Gir råd om strategisk retning og anbefaler prioritering og gjennomføring av tiltak."
        ),
    },
    {
        "short_name": "NUIT",
        "name": "NUIT – Prioriteringsutvalget",
        "level": 2,
        "order": 2,
        "mandate": (
            "Gir råd om prioriteringer og følger opp nasjonal e-helseportefølje, veikart og "
            "strategi. Anbefaler strategiske tema til e-helserådet."
        ),
    },
    {
        "short_name": "NUFA",
        "name": "NUFA – Fagutvalget",
        "level": 2,
        "order": 3,
        "mandate": ("Gir råd om helsefaglige behov, innbyggernes behov og arkitekturvalg."),
    },
]
