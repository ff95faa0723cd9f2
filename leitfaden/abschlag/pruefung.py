"""The Abschlag decision for a legitimated customer on the store's current data.

Shared by the GLF 3.301 actions and the employee's console (no Rasa here): loads the
customer, the claim that matters today and this month's Abschläge, and asks the rules
(:func:`leitfaden.abschlag.regeln.pruefe_abschlag`).
"""

from __future__ import annotations

import datetime as dt

from leitfaden.abschlag.regeln import Entscheidung, pruefe_abschlag
from leitfaden.abschlag.richtlinie import richtlinie_am
from leitfaden.store.repository import Repository


def entscheidung_fuer(repo: Repository, kundennummer: str, vollmacht_umfang: str | None,
                      heute: dt.date, *, ohne_referenz: str | None = None) -> Entscheidung:
    """The rules' decision for ``kundennummer`` on ``heute``.

    ``vollmacht_umfang`` is the checked Vollmacht's scope when a representative calls (the
    legitimation decides who is calling), ``None`` for the customer. ``ohne_referenz``
    leaves one payment out (the Abschlag this conversation transferred), so that the
    calculation shown before the transfer can be shown again afterwards.
    """
    kunde = repo.kunde(kundennummer)
    if kunde is None:
        raise LookupError("Die legitimierte Kundennummer fehlt im Bestand")
    anspruch = repo.aktueller_anspruch(kundennummer, heute)
    monatsanfang = heute.replace(day=1)
    abschlaege = [z for z in repo.zahlungen(kundennummer, monatsanfang, heute)
                  if z.art == "abschlag" and (ohne_referenz is None
                                              or z.referenz != ohne_referenz)]
    anrufer = "bevollmaechtigt" if vollmacht_umfang else "kunde"
    return pruefe_abschlag(
        kunde=kunde, anspruch=anspruch, abschlaege_im_monat=abschlaege, stichtag=heute,
        richtlinie=richtlinie_am(heute), anrufer=anrufer, vollmacht_umfang=vollmacht_umfang,
    )
