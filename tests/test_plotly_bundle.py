"""plotly.js as the browser gets it: the cartesian bundle vendored under assets/vendor,
the same version as the full bundle of the plotly package, with its licence, loaded by
dcc.Graph on demand (assets/plotly-bundle.js) rather than by every page's index; the other
scripts the index names explicitly, not as assets."""

import re
from pathlib import Path

from plotly.offline import get_plotlyjs_version

from callbacks.register import AG_GRID_ON_DEMAND, PLOTLY_BUNDLE, REGENERATOR_RUNTIME
from dashboard.factory import ASSETS_IGNORE

ASSETS = Path(__file__).resolve().parent.parent / "assets"


def test_the_vendored_bundle_is_plotly_js_of_the_packages_version():
    head = (ASSETS / PLOTLY_BUNDLE).read_text(encoding="utf-8")[:200]
    assert f"plotly.js (cartesian - minified) v{get_plotlyjs_version()}" in head
    assert PLOTLY_BUNDLE == f"vendor/plotly-cartesian-{get_plotlyjs_version()}.min.js"
    licence = (ASSETS / "vendor" / "LICENSE-plotly.js.txt").read_text(encoding="utf-8")
    assert "MIT License" in licence and "plotly.js-cartesian-dist-min" in licence


def test_dcc_graph_is_pointed_at_it_and_the_index_leaves_it_out():
    loader = (ASSETS / "plotly-bundle.js").read_text(encoding="utf-8")
    assert f'"{PLOTLY_BUNDLE}"' in loader and "_dashPlotlyJSURL" in loader
    ignored = re.compile(ASSETS_IGNORE)
    assert {p.name for p in ASSETS.rglob("*") if p.suffix in (".js", ".css")
            and ignored.search(p.name)} == {Path(PLOTLY_BUNDLE).name,
                                            Path(REGENERATOR_RUNTIME).name, AG_GRID_ON_DEMAND}


def test_the_regenerator_runtime_is_vendored_with_its_licence():
    runtime = (ASSETS / REGENERATOR_RUNTIME).read_text(encoding="utf-8")
    assert "regeneratorRuntime = runtime" in runtime
    licence = (ASSETS / "vendor" / "LICENSE-regenerator-runtime.txt").read_text(encoding="utf-8")
    assert "MIT License" in licence and "regenerator-runtime 0.13.11" in licence
