"""IPSC web app: the support-offer listing for every employee and the Webauftrag HTTP endpoint.

``create_app`` builds the Sanic app; ``python -m leitfaden.web`` serves it.
"""

from leitfaden.web.app import create_app

__all__ = ["create_app"]
