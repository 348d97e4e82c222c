'use strict';

// What the dashboard draws (layouts/): scatter (lines, markers and the region map's filled
// outlines; plotly.js core always has it), bar and box. Core brings the components used
// as well: shapes, annotations, legend, colorbar, hover (fx), modebar.
var Plotly = require('plotly.js/lib/core');

Plotly.register([
    require('plotly.js/lib/bar'),
    require('plotly.js/lib/box')
]);

module.exports = Plotly;
