"""Public pages of the portal (namespace "portal"): the home page, the service guides of
items, bundles, departments and regions, search, and tracking a case without logging in;
the reading-mode and language links (views in `portal.modes`).

Views parse input and render; reads go through `portal.selectors`. Anonymous GET pages are
served from the page cache (`cache.public_page`), which every publication retires; the
tracking page is never cached.
"""

from ..modes import set_language, set_mode
from .guide import bundle_guide, department_page, item_guide, region_page
from .home import home
from .search import search_page
from .tracking import track

__all__ = [
    "bundle_guide",
    "department_page",
    "home",
    "item_guide",
    "region_page",
    "search_page",
    "set_language",
    "set_mode",
    "track",
]
