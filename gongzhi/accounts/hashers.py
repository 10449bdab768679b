from django.contrib.auth.hashers import Argon2PasswordHasher


class Argon2idHasher(Argon2PasswordHasher):
    """Argon2id at OWASP's recommended parameters (m=19 MiB, t=2, p=1).

    Django's default (m=100 MiB, p=8) takes over half a second per login on a 2-core server; these
    parameters keep the memory-hard property at about a tenth of that. Hashes made with other
    parameters still verify and are upgraded on the next login.
    """

    algorithm = "argon2"
    time_cost = 2
    memory_cost = 19456
    parallelism = 1
