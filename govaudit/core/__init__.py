"""The floor every room stands on: records (model), the SQLite store, and the site profile."""
