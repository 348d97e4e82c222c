/* The folding parts of the shell on a narrow screen (layouts/shell.py): the menu button
 * opens and closes the sections' menu, the filters button the filter bar. A new page
 * (the menu) or a new query (the filters, after Apply) folds them again. In the browser:
 * a round trip to the server for a toggle would be a wasted request. */
window.dash_clientside = Object.assign({}, window.dash_clientside, {
    probation_shell: {
        toggle: function (clicks, where, isOpen) {
            var ctx = window.dash_clientside.callback_context;
            var byButton = ctx && ctx.triggered && ctx.triggered.some(function (t) {
                return /n_clicks$/.test(t.prop_id);
            });
            var open = byButton ? !isOpen : false;
            return [open, open ? "true" : "false"];
        }
    }
});
