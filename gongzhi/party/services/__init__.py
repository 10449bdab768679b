"""The party app's services (the only code that writes its models), one module per sub-domain:
registration, serving, evaluation, organizations, and branches (the grid-branch rule they apply)."""
