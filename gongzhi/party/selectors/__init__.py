"""The party app's reads, scope applied, one module per sub-domain: registration, serving, evaluation,
organizations."""
