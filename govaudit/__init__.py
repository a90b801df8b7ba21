"""govaudit: compliance monitoring and website audits for Chinese government websites."""


def __getattr__(name: str) -> str:
    """`__version__`, read from the installed package only when asked (`--version`): reading
    package metadata costs each audit's start ~20 ms."""
    if name != "__version__":
        raise AttributeError(name)
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("govaudit")
    except PackageNotFoundError:  # running from a source tree that is not installed
        return "0.0.0"
