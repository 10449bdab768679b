"""Who may see the backup records, as rules predicates named "ops.<verb>_<model>".

Backups and restores are made by the management commands (the system, ``actor=None``), never from a
page; their records are shown read-only in the reference-data admin to the system administrator only.
"""

import rules

rules.add_perm("ops.view_backuprecord", rules.is_superuser)
