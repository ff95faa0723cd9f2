"""Leitfaden core: guides, store, rules and NLP helpers. Knows nothing of Rasa."""
