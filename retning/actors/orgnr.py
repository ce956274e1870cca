"""Norwegian organisation numbers (organisasjonsnummer) from Brønnøysundregistrene.

Nine digits; the last is a modulus-11 check digit over the first eight with weights 3,2,7,6,5,4,3,2.
"""

WEIGHTS = (3, 2, 7, 6, 5, 4, 3, 2)


class InvalidOrganisationNumber(ValueError):
    pass


def normalise(value: str) -> str:
    """Remove the spaces people type in numbers such as '983 544 622'."""
    return "".join(value.split())


def check_digit(first_eight: str) -> int | None:
    """The check digit for eight digits, or None where no digit fits (remainder 1)."""
    remainder = sum(int(d) * w for d, w in zip(first_eight, WEIGHTS, strict=True)) % 11
    if remainder == 0:
        return 0
    if remainder == 1:
        return None
    return 11 - remainder


def validate(value: str) -> str:
    """Return the normalised number or raise InvalidOrganisationNumber with a Norwegian message."""
    number = normalise(value)
    if len(number) != 9 or not number.isascii() or not number.isdigit():
        raise InvalidOrganisationNumber(
            f"«{value}» er ikke et gyldig organisasjonsnummer: det må bestå av nøyaktig ni sifre."
        )
    expected = check_digit(number[:8])
    if expected is None or expected != int(number[8]):
        raise InvalidOrganisationNumber(
            f"«{value}» er ikke et gyldig organisasjonsnummer: kontrollsifferet stemmer ikke."
        )
    return number


def is_valid(value: str) -> bool:
    try:
        validate(value)
    except InvalidOrganisationNumber:
        return False
    return True
