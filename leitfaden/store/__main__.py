"""Command line: ``python -m leitfaden.store migrate|demo|reset [--url URL]``."""

from __future__ import annotations

import argparse
import sys

from sqlalchemy.engine import make_url

from leitfaden import settings
from leitfaden.store.db import make_engine, migrate, normalise_url
from leitfaden.store.demo import load_demo_data, reset_demo_data


def _zeige(url: str) -> str:
    return make_url(url).render_as_string(hide_password=True)


def _zaehler(zahlen: dict[str, int]) -> str:
    teile = [f"{name}: {anzahl}" for name, anzahl in zahlen.items() if anzahl]
    return ", ".join(teile) if teile else "nichts zu tun"


def main(argv: list[str] | None = None) -> int:
    """Run one store command and print what it did."""
    parser = argparse.ArgumentParser(prog="python -m leitfaden.store", description=__doc__)
    parser.add_argument("befehl", choices=("migrate", "demo", "reset"),
                        help="migrate: Schema aktualisieren; demo: Demodaten ergänzen; "
                             "reset: Demodaten zurücksetzen")
    parser.add_argument("--url", help="Datenbank-URL (Standard: LEITFADEN_DATABASE_URL "
                                      "oder var/leitfaden.db)")
    parser.add_argument("--angebote", action="store_true",
                        help="bei reset auch Dienststellen und Angebote der Demo zurücksetzen")
    args = parser.parse_args(argv)

    url = normalise_url(args.url or settings.database_url())
    engine = make_engine(url)
    try:
        revision = migrate(engine)
        print(f"Datenbank {_zeige(url)}: Schema auf Stand {revision}.")
        if args.befehl == "demo":
            print(f"Demodaten geladen ({_zaehler(load_demo_data(engine))}).")
        elif args.befehl == "reset":
            ergebnis = reset_demo_data(engine, angebote=args.angebote)
            print(f"Demodaten zurückgesetzt ({_zaehler(ergebnis)}).")
    finally:
        engine.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
