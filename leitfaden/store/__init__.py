"""The Leitfaden data store: models, migrations, repository, demo data."""
