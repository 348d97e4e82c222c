/* plotly.js as this app loads it.
 *
 * 1. Which bundle. dcc.Graph loads plotly.js when the first chart is drawn, from
 *    window._dashPlotlyJSURL, which Dash's renderer sets to the full bundle of the plotly
 *    package (4.8 MB: maps, 3-D, WebGL). Every chart here is a bar, box or scatter trace
 *    (the region map is filled outlines), so point it at a bundle of plotly.js of the same
 *    version with just those (1.2 MB; scripts/build-plotly-bundle.sh), served from this
 *    server. The file name is
 *    callbacks/register.py's PLOTLY_BUNDLE (tests/test_plotly_bundle.py). The renderer
 *    assigns the URL once on start: keep ours (a setter that ignores it rather than a
 *    read-only property, whose assignment would throw in strict code).
 *
 * 2. When a chart is drawn. dcc.Graph draws every chart of a page as soon as plotly.js
 *    has arrived, all in one task of the main thread: 0.3-1 s on the pages with six or
 *    more charts. Plotly.react is wrapped so that each chart's first drawing runs in a
 *    task of its own, the charts nearest the top of the page first: the page stays
 *    responsive while they are drawn, and every chart is drawn on load wherever it sits
 *    (a chart below the fold is never blank in a full-page screenshot or a print). The
 *    promise dcc.Graph waits for resolves once the chart is drawn (it then binds the
 *    click and hover events), a newer figure sent meanwhile replaces the waiting one, and
 *    a chart already drawn is redrawn at once. Printing draws whatever is still waiting. */
(function () {
    "use strict";
    var here = document.currentScript && document.currentScript.src;
    var url = new URL("vendor/plotly-custom-4.1.1.min.js", here || window.location.href)
        .pathname;
    Object.defineProperty(window, "_dashPlotlyJSURL", {
        configurable: false,
        get: function () {
            return url;
        },
        set: function () {}
    });

    var waiting = new Map();  // graph div -> {args, promise, resolve, reject}
    var react = null;
    var scheduled = false;

    function draw(gd) {
        var job = waiting.get(gd);
        if (!job) {
            return;
        }
        waiting.delete(gd);
        react.apply(window.Plotly, job.args).then(job.resolve, job.reject);
    }

    function top(gd) {
        return gd.isConnected ? gd.getBoundingClientRect().top : Infinity;
    }

    // One chart per task, the highest on the page first, until none is waiting.
    function drawNext() {
        scheduled = false;
        var next = null;
        waiting.forEach(function (job, gd) {
            if (next === null || top(gd) < top(next)) {
                next = gd;
            }
        });
        if (next !== null) {
            draw(next);
            schedule();
        }
    }

    function schedule() {
        if (!scheduled && waiting.size) {
            scheduled = true;
            setTimeout(drawNext, 0);
        }
    }

    function drawAll() {
        Array.from(waiting.keys()).forEach(draw);
    }

    function reactInTurn(gd) {
        if (!(gd instanceof Element) || gd._fullLayout || !gd.isConnected) {
            return react.apply(this, arguments);
        }
        var job = waiting.get(gd);
        if (!job) {
            job = {};
            job.promise = new Promise(function (resolve, reject) {
                job.resolve = resolve;
                job.reject = reject;
            });
            waiting.set(gd, job);
        }
        job.args = arguments;
        schedule();
        return job.promise;
    }

    function forget(gd) {  // a chart taken off the page before it was drawn
        waiting.delete(gd);
    }

    window.addEventListener("beforeprint", drawAll);

    var plotly;
    Object.defineProperty(window, "Plotly", {
        configurable: true,
        enumerable: true,
        get: function () {
            return plotly;
        },
        set: function (value) {
            plotly = value;
            if (value && typeof value.react === "function" && value.react !== reactInTurn) {
                react = value.react;
                value.react = reactInTurn;
                var purge = value.purge;
                value.purge = function (gd) {
                    forget(gd);
                    return purge.apply(this, arguments);
                };
            }
        }
    });
})();
