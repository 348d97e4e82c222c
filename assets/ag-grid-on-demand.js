/* AG Grid on demand. The server puts this file where Dash's index loads dash_ag_grid.min.js
 * (1.3 MB, 0.35 MB compressed, parsed and run before the page can render:
 * callbacks/register.py _ag_grid_on_demand), on every page. It stands in for the library:
 * a grid is first rendered as an empty box of the grid's id, class and style, and when
 * that box comes within 300 px of the viewport (or the page is printed) the real bundle is
 * loaded from data-src and the grid rendered. The grids sit at the foot of their pages,
 * below the charts, so a reader who does not scroll down never pays for AG Grid; once
 * loaded, every grid renders at once. The stand-in stays the component type after that
 * (React would otherwise remount the grid on its next update), with the library's statics
 * and helpers copied onto it. */
(function () {
    "use strict";
    var React = window.React;
    var src = document.currentScript && document.currentScript.getAttribute("data-src");
    var standIn = {};
    var loading = null;
    var loaded = false;
    var MARGIN = "300px 0px";

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

    var LazyGrid = React.lazy(load);

    function box(props, ref) {
        return React.createElement("div", {id: props.id, className: props.className,
            style: props.style, ref: ref});
    }

    // True once the box is near the viewport, at once if the library is already here.
    function useNear(ref) {
        var state = React.useState(loaded || !("IntersectionObserver" in window));
        var near = state[0];
        var setNear = state[1];
        React.useEffect(function () {
            if (near || !ref.current) {
                return undefined;
            }
            function show() {
                setNear(true);
            }
            var observer = new IntersectionObserver(function (entries) {
                if (entries.some(function (entry) { return entry.isIntersecting; })) {
                    show();
                }
            }, {rootMargin: MARGIN});
            observer.observe(ref.current);
            window.addEventListener("beforeprint", show);
            return function () {
                observer.disconnect();
                window.removeEventListener("beforeprint", show);
            };
        }, [near]);
        return near;
    }

    function AgGrid(props) {
        var ref = React.useRef(null);
        if (!useNear(ref)) {
            return box(props, ref);
        }
        return React.createElement(React.Suspense, {fallback: box(props, null)},
            React.createElement(LazyGrid, props));
    }

    standIn.AgGrid = AgGrid;
    window.dash_ag_grid = standIn;
})();
