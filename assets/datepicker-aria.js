/* Dash 4.4's date picker (dcc.DatePickerSingle, the filter bar's dates) puts aria-haspopup
 * and aria-expanded on the div around its input, a div without a role, where ARIA does not
 * allow them (axe: aria-allowed-attr). They describe the input the user types the date in,
 * a combobox that opens the calendar dialog: move them there, each time React sets them
 * on the div again (the picker opened or closed). */
(function () {
    "use strict";
    var WRAPPER = "dash-datepicker-input-wrapper";
    var MOVED = ["aria-haspopup", "aria-expanded"];

    function fix(wrapper) {
        var input = wrapper.querySelector("input");
        if (!input) {
            return;
        }
        MOVED.forEach(function (name) {
            if (wrapper.hasAttribute(name)) {
                input.setAttribute(name, wrapper.getAttribute(name));
                wrapper.removeAttribute(name);
            }
        });
        if (input.getAttribute("role") !== "combobox") {
            input.setAttribute("role", "combobox");
        }
    }

    function fixWithin(node) {
        if (node.nodeType !== 1) {
            return;
        }
        if (node.classList.contains(WRAPPER)) {
            fix(node);
        }
        Array.prototype.forEach.call(node.getElementsByClassName(WRAPPER), fix);
    }

    new MutationObserver(function (mutations) {
        mutations.forEach(function (mutation) {
            if (mutation.type === "attributes") {
                if (mutation.target.classList.contains(WRAPPER)) {
                    fix(mutation.target);
                }
                return;
            }
            Array.prototype.forEach.call(mutation.addedNodes, fixWithin);
        });
    }).observe(document.documentElement, {subtree: true, childList: true, attributes: true,
                                          attributeFilter: MOVED});
})();
