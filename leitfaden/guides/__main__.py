"""``python -m leitfaden.guides [DATUM]``: validate the guides and the Abschlag policy and check
they agree with the domain, stories and rules. Prints every problem with file and line; exit
code 1 if any."""

from __future__ import annotations

import datetime as dt
import sys

from leitfaden import settings
from leitfaden.abschlag.richtlinie import RichtlinienFehler, lade_richtlinien
from leitfaden.clock import today
from leitfaden.guides.consistency import DatenFehler, pruefe_projekt
from leitfaden.guides.loader import GuideError


def main(argv: list[str]) -> int:
    stichtag = dt.date.fromisoformat(argv[0]) if argv else today()
    try:
        probleme = pruefe_projekt(settings.PROJECT_ROOT, stichtag)
        lade_richtlinien().am(stichtag)
    except (GuideError, DatenFehler, RichtlinienFehler) as fehler:
        print(fehler, file=sys.stderr)
        return 1
    for problem in probleme:
        print(problem, file=sys.stderr)
    if probleme:
        print(f"{len(probleme)} Problem(e) gefunden (Stichtag {stichtag:%d.%m.%Y}).",
              file=sys.stderr)
        return 1
    print("Leitfäden, Abschlag-Richtlinie, Domain, Stories und Regeln stimmen überein "
          f"(Stichtag {stichtag:%d.%m.%Y}).")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
