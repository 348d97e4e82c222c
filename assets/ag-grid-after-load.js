/* AG Grid after the page's first render. The server puts this file where Dash's index
 * loads dash_ag_grid.min.js (callbacks/register.py _ag_grid_after_load): that bundle
 * (1.3 MB, 0.35 MB compressed) would otherwise be parsed and run before any page could
 * render. A grid is first rendered as an empty box of the grid's id, class and style; once
 * the page has loaded and the browser is idle, the real bundle is loaded from data-src and
 * every grid on the page rendered, without waiting to be scrolled to (a screenshot or a
 * print taken after load shows them all). Pages without a grid never load it. The
 * stand-in stays the component type after that (React would otherwise remount the grid on
 * its next update), with the library's statics and helpers copied onto it. */
(function () {
    "use strict";
    var React = window.React;
    var src = document.currentScript && document.currentScript.getAttribute("data-src");
    var standIn = {};
    var loading = null;
    var afterLoad = null;
    var loaded = false;
    var IDLE_WAIT_MS = 1000;

    function load() {
        if (!loading) {
            loading = new Promise(function (resolve, reject) {
                var script = document.createElement("script");
                script.src = src;
                script.onload = function () {
                    resolve(window.dash_ag_grid);
                };
                script.onerror = reject;
                document.head.appendChild(script);
            }).then(function (library) {
                Object.keys(library).forEach(function (name) {
                    if (name !== "AgGrid") {
                        standIn[name] = library[name];
                    }
                });
                ["defaultProps", "propTypes", "dashPersistence", "dashRenderType",
                    "dashChildrenUpdate"].forEach(function (name) {
                    if (name in library.AgGrid) {
                        AgGrid[name] = library.AgGrid[name];
                    }
                });
                window.dash_ag_grid = standIn;
                loaded = true;
                return {default: library.AgGrid};
            });
        }
        return loading;
    }

    // The library, loaded once the page's load event has passed and the browser is idle.
    function loadAfterPage() {
        if (!afterLoad) {
            afterLoad = new Promise(function (resolve) {
                function idle() {
                    if (window.requestIdleCallback) {
                        window.requestIdleCallback(resolve, {timeout: IDLE_WAIT_MS});
                    } else {
                        setTimeout(resolve, 0);
                    }
                }
                if (document.readyState === "complete") {
                    idle();
                } else {
                    window.addEventListener("load", idle, {once: true});
                }
            }).then(load);
        }
        return afterLoad;
    }

    var LazyGrid = React.lazy(load);

    function box(props) {
        return React.createElement("div", {id: props.id, className: props.className,
            style: props.style});
    }

    function AgGrid(props) {
        var state = React.useState(loaded);
        var ready = state[0];
        var setReady = state[1];
        React.useEffect(function () {
            if (ready) {
                return undefined;
            }
            var mounted = true;
            loadAfterPage().then(function () {
                if (mounted) {
                    setReady(true);
                }
            });
            return function () {
                mounted = false;
            };
        }, [ready]);
        if (!ready) {
            return box(props);
        }
        return React.createElement(React.Suspense, {fallback: box(props)},
            React.createElement(LazyGrid, props));
    }

    standIn.AgGrid = AgGrid;
    window.dash_ag_grid = standIn;
})();
