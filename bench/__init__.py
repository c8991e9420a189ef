"""Benchmarks of the publishing pipeline: scripts that print figures, not tests.

* ``invoke bench.site`` (:mod:`bench.site`): the whole pipeline's build time
  against stock Pelican on a synthetic site, and its rebuild after one edit;
* ``invoke bench.repeats`` (:mod:`bench.repeats`): precision and recall of the
  repeated-paragraph detector.

Nothing here is imported by the build; nothing under ``plugins/editorial/``
exists only for measuring. Importing this package puts ``plugins/`` on
``sys.path`` so that ``python -m bench.site`` works from the project root.
"""

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

if str(ROOT / "plugins") not in sys.path:
    sys.path.insert(0, str(ROOT / "plugins"))
