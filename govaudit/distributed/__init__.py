"""Distributed audits: many sites over workers on several machines through RQ (Redis).

`govaudit enqueue` puts one job per site on the queue; `govaudit worker` (on any number of
machines) audits them, one site per job in a fresh process, under a per-site lease in Redis.
Nothing here is imported by the single-machine commands: rq and redis are an optional extra
(`pip install 'govaudit[distributed]'`) and are imported only by these commands.
"""
