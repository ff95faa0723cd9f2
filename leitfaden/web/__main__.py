"""``python -m leitfaden.web [--host 127.0.0.1] [--port 8080]``: serve the IPSC web app.

One worker; the database is ``settings.database_url()`` (``LEITFADEN_DATABASE_URL``);
the port defaults to ``LEITFADEN_WEB_PORT`` or 8080.
"""

from __future__ import annotations

import argparse
import os
import sys

from leitfaden import settings
from leitfaden.nlp.logging_filter import install as personendaten_maskieren
from leitfaden.web.app import create_app


def main(argv: list[str] | None = None) -> int:
    """Parse the command line and run the server until it is stopped."""
    parser = argparse.ArgumentParser(prog="python -m leitfaden.web",
                                     description="IPSC-Webanwendung starten")
    parser.add_argument("--host", default="127.0.0.1", help="Adresse (Standard: 127.0.0.1)")
    parser.add_argument("--port", type=int,
                        default=int(os.environ.get("LEITFADEN_WEB_PORT") or 8080),
                        help="Port (Standard: LEITFADEN_WEB_PORT oder 8080)")
    parser.add_argument("--access-log", action="store_true", help="jede Anfrage protokollieren")
    args = parser.parse_args(argv)
    personendaten_maskieren()  # IBAN and Kundennummer never in this process's log
    app = create_app(settings.database_url())
    app.run(host=args.host, port=args.port, workers=1, access_log=args.access_log, motd=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
