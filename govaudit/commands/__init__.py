"""The commands of `govaudit` (cli.py parses the line and hands over): `audit`, `demo`, `report`,
`audits` and `review`; `worker`, `enqueue` and `summary` are in govaudit/distributed/."""


class UsageError(Exception):
    """A bad flag or argument: one line `govaudit: ...`, exit 2."""
