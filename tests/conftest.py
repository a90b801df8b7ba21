# The skipped tests, grouped by reason with what makes them run, at the end of every run.
pytest_plugins = ["skip_summary"]
