/**
 * A page whose HTML arrived but whose code or styles did not (a network blip, Chromium's
 * ERR_NETWORK_CHANGED when a host adds a bridge, a tab left open across a deploy) is inert: it never
 * hydrates, so nothing on it is live or clickable and nothing says why. This inline script, first in
 * <head>, reloads such a page — at most twice a minute per tab, so a console that truly cannot serve
 * its assets shows its server-rendered page instead of reloading forever.
 */
export const ASSET_RECOVERY_SCRIPT = `(function () {
  var KEY = "berth:asset-reloads";
  // One failed chunk fires for its <script> and its preload <link>: one reload per page load.
  var reloading = false;
  addEventListener("error", function (e) {
    if (reloading) return;
    var el = e.target;
    if (!el || (el.tagName !== "SCRIPT" && el.tagName !== "LINK")) return;
    var url = el.src || el.href || "";
    if (url.indexOf("/_next/static/") < 0) return;
    var now = Date.now();
    var recent;
    try { recent = JSON.parse(sessionStorage.getItem(KEY) || "[]"); } catch (err) { recent = []; }
    recent = recent.filter(function (t) { return now - t < 60000; });
    if (recent.length >= 2) return;
    recent.push(now);
    reloading = true;
    try { sessionStorage.setItem(KEY, JSON.stringify(recent)); } catch (err) { console.warn("reloads not counted", err); }
    console.warn("reloading: " + url + " did not load");
    location.reload();
  }, true);
})();`;
