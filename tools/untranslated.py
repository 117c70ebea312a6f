"""Move Vietnamese translations between the catalogue and a work file.

    python tools/untranslated.py export FILE   # the untranslated vi entries, as a .po to fill in
    python tools/untranslated.py import FILE   # copy the filled-in entries back into vi
"""
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po

CATALOGUE = Path(__file__).resolve().parent.parent / "translations/vi/LC_MESSAGES/messages.po"


def _read(path):
    with open(path, "rb") as handle:
        return read_po(handle, locale="vi")


def _write(path, catalog, **options):
    with open(path, "wb") as handle:
        write_po(handle, catalog, width=100, **options)


def _empty(message) -> bool:
    strings = message.string if isinstance(message.string, tuple) else (message.string,)
    return not all(strings)


def export(path: str) -> None:
    work = Catalog(locale="vi")
    for message in _read(CATALOGUE):
        if message.id and _empty(message):
            work.add(message.id, string=message.string, context=message.context, flags=message.flags)
    _write(path, work, omit_header=True)
    print(f"{len(work)} entries to translate in {path}")


def import_(path: str) -> None:
    catalog = _read(CATALOGUE)
    done = 0
    for message in _read(path):
        target = catalog.get(message.id, context=message.context) if message.id else None
        if target is None or _empty(message):
            continue
        string = message.string
        if isinstance(target.id, tuple):
            string = (string if isinstance(string, tuple) else (string,))[:1]
        target.string = string
        target.flags.discard("fuzzy")
        done += 1
    catalog.fuzzy = False
    _write(CATALOGUE, catalog)
    print(f"{done} translations imported")


if __name__ == "__main__":
    {"export": export, "import": import_}[sys.argv[1]](sys.argv[2])
