"""Numbers as people write them in the page's language.

Vietnamese writes 2.500.000.000 and 3,2; English writes 2,500,000,000 and 3.2. The same text can
mean both ("2.5"), so a number is read strictly in the page's language by Babel, and text that
could mean something else is refused with a message saying how to write it, never guessed at.
The form fields in `registry.forms`, the agency report figures and static/js/numbers.js (which
shows what a number will be read as while it is typed) follow these rules.
"""
import re
from dataclasses import dataclass
from decimal import Decimal

from babel import Locale
from babel.numbers import (NumberFormatError, format_decimal, get_decimal_symbol, get_group_symbol,
                           parse_decimal)
from flask_babel import get_locale
from flask_babel import gettext as _

from registry import formatting

MONEY_UNITS = ("₫", "đ", "vnđ", "vnd", "đồng")
PERCENT_UNITS = ("%",)
MINUS_SIGNS = {ord("\u2212"): "-", ord("\u2013"): "-"}  # typographic minus and en dash
# Far beyond any figure of the registry (money stops at 10**15), and within what Decimal's 28
# digits can show back with ten decimals.
MAX_DIGITS = 18


class NumberInputError(ValueError):
    """Text that is not a number in the page's language; the message says how to write it."""


@dataclass(frozen=True)
class NumberKind:
    """What a field takes: whole or decimal numbers, which units may follow, how it is shown.

    `grouping=False` is for small plain numbers (years, sort orders): digits only, so that
    "2.026" is refused rather than read as 2026 or as 2."""

    whole: bool
    units: tuple[str, ...] = ()
    money: bool = False
    grouping: bool = True

    @property
    def inputmode(self) -> str:
        return "numeric" if self.whole else "decimal"

    def parse(self, text, locale=None) -> Decimal | None:
        """The number `text` means in `locale` (the page's language by default); None for blank
        text. Raises NumberInputError, with a translated message, for anything else."""
        if text is None:
            return None
        body = _without_unit(str(text).strip(), self.units).translate(MINUS_SIGNS)
        if not body:
            return None
        if not self.grouping:
            if not re.fullmatch(r"-?[0-9]+", body):
                raise NumberInputError(_("Write digits only, without dots, commas or spaces."))
            _check_length(body, body)
            return Decimal(body)
        locale = _locale(locale)
        group, decimal = get_group_symbol(locale), get_decimal_symbol(locale)
        allowed = f"[0-9{re.escape(group + decimal)}]"
        # Babel alone would also take "1e5", "1_000", "NaN" and digits of other scripts.
        if not re.fullmatch(f"-?{allowed}*[0-9]{allowed}*", body):
            raise NumberInputError(self.how_to_write(locale))
        _check_length(body.split(decimal)[0], body)
        try:
            value = parse_decimal(body, locale=locale, strict=True)
        except NumberFormatError:
            raise NumberInputError(self._explain(body, locale)) from None
        if self.whole and (decimal in body or value != value.to_integral_value()):
            raise NumberInputError(self.not_whole(locale))
        return value

    def show(self, value) -> str:
        """A parsed value as the page shows it back: "2.500.000.000 ₫", "3,25"."""
        if value is None:
            return ""
        if not self.grouping:
            return str(int(value))
        return formatting.money(value) if self.money else formatting.exact_figure(value)

    def written(self, value) -> str:
        """A stored value as the input shows it for editing, so that it reads back the same."""
        if value is None:
            return ""
        return formatting.exact_figure(value) if self.grouping else str(int(value))

    def understood(self, text) -> str:
        """"Understood as …" for text as typed, or "" when it is blank or not a number."""
        try:
            value = self.parse(text)
        except NumberInputError:
            return ""
        return "" if value is None else understood_as(self.show(value))

    # Messages -------------------------------------------------------------------------------

    def how_to_write(self, locale=None) -> str:
        locale = _locale(locale)
        group, decimal = get_group_symbol(locale), get_decimal_symbol(locale)
        if self.whole:
            return _("Write a whole number such as %(example)s, with “%(group)s” between "
                     "thousands.", example=_format(2_500_000, locale), group=group)
        return _("Write a number such as %(example)s, with “%(group)s” between thousands and "
                 "“%(decimal)s” before the decimals.",
                 example=_format(Decimal("1234.5"), locale), group=group, decimal=decimal)

    def not_whole(self, locale=None) -> str:
        return _("Enter a whole number, without decimals (thousands are written %(example)s).",
                 example=_format(1000, _locale(locale)))

    def ambiguous(self, head: str, tail: str, locale=None) -> str:
        """For "2.5" in Vietnamese or "3,2" in English: both readings, written correctly
        ("2,5" and "2.500")."""
        locale = _locale(locale)
        sign = "-" if head.startswith("-") else ""
        digits = head.lstrip("-")
        return _either_reading(
            decimal=sign + _format(int(digits), locale) + get_decimal_symbol(locale) + tail,
            thousands=sign + _format(int(digits + tail.ljust(3, "0")), locale))

    def _explain(self, body: str, locale: Locale) -> str:
        group, decimal = get_group_symbol(locale), get_decimal_symbol(locale)
        if body.count(group) == 1 and decimal not in body:
            head, tail = body.split(group)
            if head.lstrip("-").isdigit() and tail.isdigit():
                return self.ambiguous(head, tail, locale)
        # Written the other language's way ("2,500,000,000" on a Vietnamese page)?
        swapped = body.translate({ord(group): decimal, ord(decimal): group})
        try:
            meant = parse_decimal(swapped, locale=locale, strict=True)
        except NumberFormatError:
            return self.how_to_write(locale)
        return self.did_you_mean(_format(meant, locale), locale)

    def did_you_mean(self, suggestion: str, locale=None) -> str:
        locale = _locale(locale)
        return _("Did you mean %(suggestion)s? Write “%(group)s” between thousands and "
                 "“%(decimal)s” before the decimals.", suggestion=suggestion,
                 group=get_group_symbol(locale), decimal=get_decimal_symbol(locale))

    def hints(self) -> dict[str, str]:
        """What static/js/numbers.js needs to read the field as the server will, as data-*
        attributes of the field's <output>: the symbols, the units and the messages."""
        locale = _locale(None)
        return {
            "data-number": "whole" if self.whole else "decimal",
            "data-group": get_group_symbol(locale),
            "data-decimal": get_decimal_symbol(locale),
            "data-units": " ".join(self.units),
            "data-currency": "₫" if self.money else "",
            "data-understood": understood_as("{value}"),
            "data-ambiguous": _either_reading(decimal="{decimal}", thousands="{thousands}"),
            "data-suggest": self.did_you_mean("{suggestion}", locale),
            "data-malformed": self.how_to_write(locale),
            "data-not-whole": self.not_whole(locale),
            "data-max-digits": str(MAX_DIGITS),
            "data-too-long": _too_long(),
        }


def understood_as(shown: str) -> str:
    return _("Understood as %(value)s", value=shown)


def _check_length(integer_part: str, body: str) -> None:
    """Refuse a number longer than any the registry holds (leading zeros do not count)."""
    integer_digits = sum(c.isdigit() for c in re.sub(r"^[^1-9]*", "", integer_part))
    if integer_digits > MAX_DIGITS or sum(c.isdigit() for c in body) > 2 * MAX_DIGITS:
        raise NumberInputError(_too_long())


def _too_long() -> str:
    return _("The number has too many digits.")


def _either_reading(decimal: str, thousands: str) -> str:
    return _("Write %(decimal)s for a decimal or %(thousands)s for thousands.",
             decimal=decimal, thousands=thousands)


def _locale(locale) -> Locale:
    return Locale.parse(locale or get_locale() or "vi")


def _format(value, locale: Locale) -> str:
    return format_decimal(value, format="#,##0.##########", locale=locale)


def _without_unit(text: str, units: tuple[str, ...]) -> str:
    """"2.500.000.000 ₫" → "2.500.000.000", for the units the field allows."""
    for unit in sorted(units, key=len, reverse=True):
        if len(text) > len(unit) and text[-len(unit):].lower() == unit:
            return text[:-len(unit)].rstrip()
    return text


MONEY = NumberKind(whole=True, units=MONEY_UNITS, money=True)
COUNT = NumberKind(whole=True)
FIGURE = NumberKind(whole=False, units=PERCENT_UNITS)  # target figures, often per cent
PLAIN = NumberKind(whole=True, grouping=False)  # years, sort orders

KINDS = {"money": MONEY, "count": COUNT, "figure": FIGURE, "plain": PLAIN}


def parse_number(text, kind: str = "figure", locale=None) -> Decimal | None:
    """`text` read as a number of `kind` (see KINDS) in the page's language."""
    return KINDS[kind].parse(text, locale)
