"""fraudlink: the platform of the Dutch integrated approach against online fraud."""

from importlib.metadata import version

__version__ = version("fraudlink")
