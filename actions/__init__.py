"""Rasa custom actions: thin classes per guide step that call the ``leitfaden`` core."""

from leitfaden.nlp.logging_filter import install as _mask_personal_data

_mask_personal_data()
