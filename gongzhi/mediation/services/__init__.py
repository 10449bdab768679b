"""Mediation services: the only code that writes the mediation app's models."""
