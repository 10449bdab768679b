"""The authorization harness: every route × every role × an in-scope and an out-of-scope object.

``routes.py`` is the one table of routes, ``world.py`` builds the world the probe runs in (through the
services), ``matrix.py`` enumerates, probes and renders, and ``python manage.py authz_matrix`` runs it in
a throwaway database. It sits above every app (it imports ``config.api``, which mounts them all); no app
imports it.
"""
