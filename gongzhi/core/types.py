"""The acting user, as the lower layers see it: any Django user; ``accounts.User`` is the concrete model.

Typing with the abstract class keeps core, audit and places free of an import of accounts, which
itself builds on places.
"""

from django.contrib.auth.models import AbstractUser

Actor = AbstractUser
