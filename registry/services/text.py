"""Accent folding for search: the same on SQLite and PostgreSQL because it happens here."""
import re
import unicodedata

_SPACES = re.compile(r"\s+")
# NFD leaves đ/Đ whole (it is a letter of its own, not d + a mark).
_EXTRA = str.maketrans({"đ": "d", "Đ": "d", "ð": "d"})


def fold(text: str | None) -> str:
    """'ĐÔNG Tảo' -> 'dong tao': lower case, no diacritics, single spaces."""
    if not text:
        return ""
    decomposed = unicodedata.normalize("NFD", text.translate(_EXTRA))
    # Marks go (accents), and so do control characters (a NUL would upset PostgreSQL).
    stripped = "".join(
        ch for ch in decomposed if unicodedata.category(ch) != "Mn" and unicodedata.category(ch)[0] != "C"
    )
    return _SPACES.sub(" ", stripped.casefold()).strip()


def search_terms(query: str | None) -> list[str]:
    """The folded words of a search box, each to be found somewhere in the text."""
    return [term for term in fold(query).split(" ") if term][:10]


def like_pattern(term: str) -> str:
    escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"
