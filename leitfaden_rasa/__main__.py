"""``python -m leitfaden_rasa <rasa arguments>``: the rasa command with Leitfaden's additions.

Masks personal data (IBAN, Kundennummer) in every log record of the process, installs the
speed-ups of :mod:`leitfaden_rasa.speedups` and the guard against over-long messages
(:mod:`leitfaden_rasa.nachrichtenlaenge`) and the socket.io room fix
(:mod:`leitfaden_rasa.socketio_raeume`) and the guard of the HTTP API's writing routes
(:mod:`leitfaden_rasa.api_schutz`), then hands over to Rasa's own command line.
"""

from __future__ import annotations

from leitfaden.nlp.logging_filter import install as mask_personal_data
from leitfaden_rasa import api_schutz, nachrichtenlaenge, socketio_raeume, speedups


def main() -> None:
    mask_personal_data()
    speedups.install()
    nachrichtenlaenge.install()
    socketio_raeume.install()  # the web chat's answers reach the browser
    api_schutz.install()  # the HTTP API's writing routes need the management token
    from rasa.__main__ import main as rasa_main

    rasa_main()


if __name__ == "__main__":
    main()
