"""plotly.js as the browser gets it: the bundle of the traces the app draws vendored under
assets/vendor (scripts/build-plotly-bundle.sh), the same version as the full bundle of the
plotly package, with its licence, loaded by
dcc.Graph on demand (assets/plotly-bundle.js) rather than by every page's index; the other
scripts the index names explicitly, not as assets."""

import json
import re
from pathlib import Path

from plotly.offline import get_plotlyjs_version

from callbacks.register import AG_GRID_AFTER_LOAD, PLOTLY_BUNDLE, REGENERATOR_RUNTIME
from layouts.figures import PLAIN_TRACES
from service.factory import ASSETS_IGNORE

ASSETS = Path(__file__).resolve().parent.parent / "assets"


def test_the_vendored_bundle_is_plotly_js_of_the_packages_version():
    head = (ASSETS / PLOTLY_BUNDLE).read_text(encoding="utf-8")[:200]
    assert f"plotly.js (probation: scatter, bar, box - minified) v{get_plotlyjs_version()}" \
        in head
    assert PLOTLY_BUNDLE == f"vendor/plotly-custom-{get_plotlyjs_version()}.min.js"
    licence = (ASSETS / "vendor" / "LICENSE-plotly.js.txt").read_text(encoding="utf-8")
    assert "MIT License" in licence and f"npm package plotly.js {get_plotlyjs_version()}" \
        in licence


def test_the_bundle_is_built_from_the_same_plotly_js_version():
    build = ASSETS.parent / "scripts" / "plotly-bundle"
    package = json.loads((build / "package.json").read_text(encoding="utf-8"))
    lock = json.loads((build / "package-lock.json").read_text(encoding="utf-8"))
    assert package["dependencies"]["plotly.js"] == get_plotlyjs_version()
    assert lock["packages"]["node_modules/plotly.js"]["version"] == get_plotlyjs_version()


def test_the_bundle_registers_every_trace_type_the_layouts_draw():
    # A trace type plotly.js does not know is drawn as nothing, without an error. The
    # plain figures (layouts.figures.plain_figure) draw PLAIN_TRACES only (test_staff_views).
    drawn = set(PLAIN_TRACES)
    for source in (ASSETS.parent / "layouts").glob("*.py"):
        drawn |= {name.lower() for name in re.findall(r"\bgo\.([A-Z]\w+)\(",
                                                      source.read_text(encoding="utf-8"))
                  if name not in ("Figure", "Layout")}
    entry = (ASSETS.parent / "scripts" / "plotly-bundle" / "index.js").read_text(encoding="utf-8")
    registered = {"scatter"} | set(re.findall(r"require\('plotly.js/lib/(\w+)'\)", entry))
    assert drawn == {"bar", "box", "scatter"}
    assert drawn <= registered


def test_dcc_graph_is_pointed_at_it_and_the_index_leaves_it_out():
    loader = (ASSETS / "plotly-bundle.js").read_text(encoding="utf-8")
    assert f'"{PLOTLY_BUNDLE}"' in loader and "_dashPlotlyJSURL" in loader
    ignored = re.compile(ASSETS_IGNORE)
    assert {p.name for p in ASSETS.rglob("*") if p.suffix in (".js", ".css")
            and ignored.search(p.name)} == {Path(PLOTLY_BUNDLE).name,
                                            Path(REGENERATOR_RUNTIME).name, AG_GRID_AFTER_LOAD}


def test_the_regenerator_runtime_is_vendored_with_its_licence():
    runtime = (ASSETS / REGENERATOR_RUNTIME).read_text(encoding="utf-8")
    assert "regeneratorRuntime = runtime" in runtime
    licence = (ASSETS / "vendor" / "LICENSE-regenerator-runtime.txt").read_text(encoding="utf-8")
    assert "MIT License" in licence and "regenerator-runtime 0.13.11" in licence
