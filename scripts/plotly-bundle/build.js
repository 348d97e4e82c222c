'use strict';
// esbuild with the options of plotly.js's own esbuild-config.js that these traces need
// (iife named Plotly, es2016, `global` as window; no GL shaders or stream shims: none of
// bar, box and scatter uses them), minified, with the header and footer plotly.js's dist
// bundles carry (the footer sets window.Plotly, which assets/plotly-bundle.js watches).
const fs = require('fs');
const path = require('path');
const esbuild = require('esbuild');

const version = require('plotly.js/package.json').version;
const out = process.argv[2];
if (!out) {
    throw new Error('usage: node build.js OUTFILE');
}
const header = `/**
* plotly.js (probation: scatter, bar, box - minified) v${version}
* Copyright 2012-2026, Plotly, Inc.
* All rights reserved.
* Licensed under the MIT license
* Built from npm plotly.js ${version} by scripts/build-plotly-bundle.sh
*/`;

esbuild.buildSync({
    entryPoints: [path.join(__dirname, 'index.js')],
    outfile: out,
    format: 'iife',
    globalName: 'Plotly',
    bundle: true,
    minify: true,
    legalComments: 'eof',
    sourcemap: false,
    target: 'es2016',
    define: {global: 'window', 'define.amd': 'false'},
    // The one stylesheet plotly.js requires is maplibre-gl's, for map traces (registry.js),
    // which this bundle has none of: without this esbuild writes it next to the bundle.
    loader: {'.css': 'empty'},
    banner: {js: header},
    footer: {js: 'window.Plotly = Plotly;'},
    logLevel: 'warning'
});
console.log(`${out}: ${fs.statSync(out).size} bytes`);
