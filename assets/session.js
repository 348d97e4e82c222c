/* When the session has ended (idle timeout, sign-out in another tab, password change),
 * the server answers Dash's requests with 401 {"error": "sign-in required"}. Rather than
 * leave a page that silently stops updating, send the browser to the sign-in page, which
 * brings the user back here afterwards. Served from /assets/ (the CSP allows no inline
 * script). */
(function () {
    "use strict";
    var originalFetch = window.fetch;
    var leaving = false;

    function toSignIn() {
        if (leaving) {
            return;
        }
        leaving = true;
        var here = window.location.pathname + window.location.search;
        window.location.assign(
            "/login?next=" + encodeURIComponent(here) + "&notice=expired");
    }

    window.fetch = function (resource, init) {
        return originalFetch.apply(this, arguments).then(function (response) {
            var url = typeof resource === "string" ? resource : (resource && resource.url) || "";
            var path = new URL(url, window.location.href).pathname;
            if (response.status === 401 && path.indexOf("/_dash-") === 0) {
                toSignIn();
                // The page is leaving: the renderer need not handle (and log) the refusal.
                return new Promise(function () {});
            }
            return response;
        });
    };
})();
