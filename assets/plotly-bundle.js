/* dcc.Graph loads plotly.js when the first chart is drawn, from window._dashPlotlyJSURL,
 * which Dash's renderer sets to the full bundle of the plotly package (4.8 MB: maps, 3-D,
 * WebGL). Every chart here is cartesian (bar, box, scatter; the region map is filled
 * outlines), so point it at plotly.js's cartesian bundle of the same version (1.5 MB),
 * served from this server: a third of the script to download, parse and run.
 * The file name is callbacks/register.py's PLOTLY_BUNDLE (tests/test_plotly_bundle.py).
 * The renderer assigns the URL once on start: keep ours (a setter that ignores it rather
 * than a read-only property, whose assignment would throw in strict code). */
(function () {
    "use strict";
    var here = document.currentScript && document.currentScript.src;
    var url = new URL("vendor/plotly-cartesian-4.1.1.min.js", here || window.location.href)
        .pathname;
    Object.defineProperty(window, "_dashPlotlyJSURL", {
        configurable: false,
        get: function () {
            return url;
        },
        set: function () {}
    });
})();
