"""The bundled sample bureau site: planted problems, traps, an answer key, and an awkward server.

site = build_site(DEMO_AS_OF)        # in memory, deterministic from (as_of, seed)
with serve(site) as server:          # 127.0.0.1, a free port
    ... audit server.url ...
"""

from govaudit.sample_site.answer_key import entry_keys, finding_key
from govaudit.sample_site.generator import build_site
from govaudit.sample_site.server import SampleServer, serve
from govaudit.sample_site.site import DEMO_AS_OF, Resource, Site

__all__ = [
    "DEMO_AS_OF",
    "Resource",
    "SampleServer",
    "Site",
    "build_site",
    "entry_keys",
    "finding_key",
    "serve",
]
