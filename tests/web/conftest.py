"""Handler tests run the app in this process (tests/support/site.py)."""

from tests.support.site import make_site, site  # noqa: F401 (fixtures)
