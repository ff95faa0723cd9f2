"""Custom Rasa NLU components of Leitfaden (German text folding, fast linear intent classifier,
canonical entity values). Referenced in ``config.yml`` by their module path, e.g.
``nlu_components.german.GermanFolding``."""
