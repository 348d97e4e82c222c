/* A click on the overview map: a region of the nation's map (layouts/figures.py
 * region_map) or a unit's marker on a region's map (unit_map). plotly.js reports a click
 * on a filled outline with its trace number only, so take the region's code from that
 * trace's customdata; a marker's unit id is its point's entry in the trace's customdata.
 * The server gets a click that names the region (a code) or the unit (a number) and
 * checks it (callbacks/register.py map_drill, callbacks/views.py map_href). */
window.dash_clientside = Object.assign({}, window.dash_clientside, {
    probation_map: {
        clicked_region: function (clickData, figure) {
            var point = clickData && clickData.points && clickData.points[0];
            var trace = point && figure && figure.data && figure.data[point.curveNumber];
            var data = trace && trace.customdata;
            var code = data && data[0];
            if (typeof code === "number" && typeof point.pointNumber === "number") {
                code = data[point.pointNumber];
            }
            if (typeof code !== "string" && typeof code !== "number") {
                return window.dash_clientside.no_update;
            }
            return {points: [{curveNumber: point.curveNumber, customdata: code}]};
        }
    }
});
