/* A grid that scrolls inside its box (layouts/attention.py ROWS_IN_VIEW) lays out every
 * row for a print, and goes back to its box after: AG Grid's print layout. */
(function () {
    "use strict";
    var held = [];

    function grids() {
        var library = window.dash_ag_grid;
        if (!library || !library.getApi) {
            return [];
        }
        return Array.prototype.map.call(document.querySelectorAll(".ag-theme-alpine[id]"),
            function (box) {
                var api = null;
                try {
                    api = library.getApi(box.id);
                } catch (ignored) {
                    api = null;
                }
                return {box: box, api: api};
            }).filter(function (grid) {
                return grid.api && grid.api.getGridOption("domLayout") !== "autoHeight";
            });
    }

    window.addEventListener("beforeprint", function () {
        held = grids();
        held.forEach(function (grid) {
            grid.height = grid.box.style.height;
            grid.box.style.height = "";
            grid.api.setGridOption("domLayout", "print");
        });
    });
    window.addEventListener("afterprint", function () {
        held.forEach(function (grid) {
            grid.api.setGridOption("domLayout", "normal");
            grid.box.style.height = grid.height;
        });
        held = [];
    });
}());
