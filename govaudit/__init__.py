"""govaudit: compliance monitoring and website audits for Chinese government websites."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("govaudit")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0.0.0"
