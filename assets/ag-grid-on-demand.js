/* AG Grid on demand. Only the caseload and milestones pages show a grid; on the others
 * the server puts this file where Dash's index loads dash_ag_grid.min.js (1.3 MB, 0.35 MB
 * compressed, parsed and run before the page can render: callbacks/register.py
 * _ag_grid_on_demand). It stands in for the library: the first grid rendered (after an
 * in-app move to a page with one) loads the real bundle from data-src, then renders it.
 * The stand-in stays the component type after that (React would otherwise remount the
 * grid on its next update), with the library's statics and helpers copied onto it. */
(function () {
    "use strict";
    var React = window.React;
    var src = document.currentScript && document.currentScript.getAttribute("data-src");
    var standIn = {};
    var loading = null;

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
                return {default: library.AgGrid};
            });
        }
        return loading;
    }

    var LazyGrid = React.lazy(load);

    function AgGrid(props) {
        return React.createElement(React.Suspense, {fallback: null},
            React.createElement(LazyGrid, props));
    }

    standIn.AgGrid = AgGrid;
    window.dash_ag_grid = standIn;
})();
