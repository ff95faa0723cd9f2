"""German NLP layer of Leitfaden: spaCy pipeline, normalisers and log masking.

``normalise`` and ``logging_filter`` are pure Python; ``pipeline`` needs spaCy. Nothing here
imports Rasa.
"""
