"""The website a release publishes: static pages that work from the file system, with no server and no network."""

from skillrepo.site.build import build_site

__all__ = ["build_site"]
