/* A click on a region of the overview map (layouts/figures.py region_map): plotly.js
 * reports a click on a filled outline with its trace number only, so take the region's
 * code from that trace's customdata and hand the server a click that names it
 * (callbacks/register.py map_drill, callbacks/views.py region_href). */
window.dash_clientside = Object.assign({}, window.dash_clientside, {
    probation_map: {
        clicked_region: function (clickData, figure) {
            var point = clickData && clickData.points && clickData.points[0];
            var trace = point && figure && figure.data && figure.data[point.curveNumber];
            var code = trace && trace.customdata && trace.customdata[0];
            if (typeof code !== "string") {
                return window.dash_clientside.no_update;
            }
            return {points: [{curveNumber: point.curveNumber, customdata: code}]};
        }
    }
});
