#!/bin/bash
# Builds assets/vendor/plotly-custom-VERSION.min.js, the plotly.js every chart is drawn
# with: plotly.js's core (scatter, shapes, annotations, legend, colorbar, hover, modebar)
# with the bar and box traces, nothing else (scripts/plotly-bundle/index.js). The npm
# packages are pinned by scripts/plotly-bundle/package-lock.json (plotly.js at the version
# the plotly Python package ships, esbuild), so the same lock gives the same file.
#
#   scripts/build-plotly-bundle.sh
#
# Needs node and npm, and the npm registry. To draw another trace type, add it to
# index.js and rebuild; to upgrade plotly, set plotly.js in package.json to the version
# of `python -c "import plotly.offline as o; print(o.get_plotlyjs_version())"`, run
# `npm install` there, rebuild, and rename PLOTLY_BUNDLE (callbacks/register.py) and the
# file name in assets/plotly-bundle.js: tests/test_plotly_bundle.py fails until they match.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root/scripts/plotly-bundle"
npm ci --no-audit --no-fund --silent
version=$(node -p "require('plotly.js/package.json').version")
rm -f "$root"/assets/vendor/plotly-custom-*.min.js
node build.js "$root/assets/vendor/plotly-custom-$version.min.js"
