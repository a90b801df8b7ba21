"""The floor every room stands on; it imports none of the rooms (crawler, checks, reports).

model.py      records that cross modules: PageRecord, Link, ListItem, Finding
store.py      the SQLite store, the only module that knows table names
config.py     the site profile (TOML) and flags, validated into an AuditConfig
columns.py    the site's 栏目 derived from a stored audit (checks and reports both name them)
workdays.py   Chinese working days (deadlines of checks and of the rectification list)
masking.py    personal numbers masked in every output
messages.py   互动交流 messages read from a stored audit (their check and the scorecard)
locations.py  where in an attachment a piece of text stands (sheet and cell, page)
"""
