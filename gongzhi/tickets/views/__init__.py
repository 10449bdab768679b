"""Web pages of the ticket loop: the staff console (console_*.py) and the resident phone pages."""
