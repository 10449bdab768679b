"""Every read of the tickets app, scope applied, one module per sub-domain: ``selectors.tickets`` (the loop:
lists, inboxes, a ticket and its timeline, the category tree) and ``selectors.patrols`` (patrols, coverage,
the monthly summary). Callers import the sub-module."""
