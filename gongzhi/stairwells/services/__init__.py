"""Writes of the stairwells app, one module per sub-domain: register.py (the stairwell register),
captains.py (elections, the red-captain post), inspections.py (checklist inspections and the naming)."""
