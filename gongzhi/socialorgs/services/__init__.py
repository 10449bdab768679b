"""Writes of the social-organisation app, one module per sub-domain: organizations.py (registry,
incubation, yearly plans, social workers), projects.py (funded projects), contests.py (the yearly
contest)."""
