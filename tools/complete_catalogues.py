"""Keep the catalogues complete after `pybabel update`.

English is the source language: each en entry translates to itself. Vietnamese entries that
are still empty are listed (and the script exits 1) so that nobody ships an English string
in the Vietnamese interface. Run by `make extract-messages`.
"""
import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent / "translations"


def load(language: str):
    with open(ROOT / language / "LC_MESSAGES" / "messages.po", "rb") as handle:
        return read_po(handle, locale=language)


def save(language: str, catalog) -> None:
    with open(ROOT / language / "LC_MESSAGES" / "messages.po", "wb") as handle:
        write_po(handle, catalog, width=100, omit_header=False, ignore_obsolete=True)


def main() -> int:
    english = load("en")
    for message in english:
        if not message.id:
            continue
        message.string = message.id  # (singular, plural) tuples stay tuples
        message.flags.discard("fuzzy")
    save("en", english)

    missing = [
        message.id for message in load("vi")
        if message.id and not (message.string if isinstance(message.string, str) else all(message.string))
    ]
    for msgid in missing:
        print(f"vi: untranslated: {msgid!r}", file=sys.stderr)
    return 1 if missing else 0


if __name__ == "__main__":
    raise SystemExit(main())
