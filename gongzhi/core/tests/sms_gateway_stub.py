"""A stand-in for a deployment's SMS gateway, for the production-settings tests only: a dotted path that
imports and is none of the senders production refuses (``gongzhi.core.checks``). It sends nothing."""


def send(phone: str, code: str) -> None:  # pragma: no cover (never called: the tests only check settings)
    raise RuntimeError("the test gateway stub sends nothing")
