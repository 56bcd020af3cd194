// Aloud live reload. The preview server injects this into every HTML page it serves (never into
// files on disk) and sends server-sent events from ./events next to this script:
//   reload  data: JSON list of changed URL paths, or ["*"]  -> reload if this page is listed
//   css     data: JSON list of stylesheet URL paths          -> swap those <link>s, no reload
//   error   data: "file:line: message" lines                 -> show an overlay
//   ok                                                       -> remove the overlay
// After a dropped connection (e.g. the server restarted) the page reloads once, since builds
// may have happened while it was away.
(() => {
  "use strict";
  if (window.__aloud) return; // injected twice (e.g. a page that includes itself)
  const state = (window.__aloud = { connected: false, reconnects: 0 });
  const script = document.currentScript;
  const eventsUrl = new URL("events", script ? script.src : location.origin + "/_aloud/");
  const OVERLAY_ID = "aloud-error-overlay";

  // "/x", "/x/" and "/x/index.html" are one page; compare decoded paths without a query.
  const normalise = (url) => {
    let path;
    try {
      path = new URL(url, location.href).pathname;
      path = decodeURI(path);
    } catch {
      path = String(url);
    }
    return path.replace(/\/index\.html?$/, "/").replace(/\/+$/, "") || "/";
  };
  const parseList = (data) => {
    try {
      const list = JSON.parse(data);
      return Array.isArray(list) ? list.map(String) : [];
    } catch {
      return [];
    }
  };

  const onReload = (urls) => {
    const here = normalise(location.href);
    if (urls.some((url) => url === "*" || normalise(url) === here)) location.reload();
  };

  // Add the new sheet beside the old one and drop the old one once the new one has loaded, so
  // the page never shows unstyled.
  const onCss = (urls) => {
    const all = urls.includes("*");
    const wanted = new Set(urls.map(normalise));
    for (const link of document.querySelectorAll('link[rel~="stylesheet"][href]')) {
      if (link.dataset.aloudReplaced || !(all || wanted.has(normalise(link.href)))) continue;
      const fresh = link.cloneNode();
      const href = new URL(link.href);
      href.searchParams.set("aloud", Date.now().toString(36));
      fresh.href = href.href;
      link.dataset.aloudReplaced = "1";
      const drop = () => link.remove();
      fresh.addEventListener("load", drop, { once: true });
      fresh.addEventListener("error", drop, { once: true });
      link.after(fresh);
    }
  };

  const hideOverlay = () => document.getElementById(OVERLAY_ID)?.remove();
  const showOverlay = (message) => {
    let overlay = document.getElementById(OVERLAY_ID);
    if (!overlay) {
      overlay = document.createElement("div");
      overlay.id = OVERLAY_ID;
      overlay.setAttribute("role", "alert");
      overlay.style.cssText =
        "all:initial;position:fixed;inset:0;z-index:2147483647;overflow:auto;box-sizing:border-box;" +
        "padding:2rem;background:rgba(24,24,27,.94);color:#fafafa;" +
        "font:15px/1.6 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;";
      const title = document.createElement("strong");
      title.textContent = "Build failed: showing the last good build";
      title.style.cssText = "display:block;margin-bottom:1rem;color:#fca5a5;font:inherit;";
      const text = document.createElement("pre");
      text.style.cssText = "margin:0;white-space:pre-wrap;overflow-wrap:anywhere;font:inherit;";
      const close = document.createElement("button");
      close.type = "button";
      close.textContent = "Dismiss";
      close.style.cssText = "margin-top:1.5rem;padding:.3rem .9rem;font:inherit;cursor:pointer;";
      close.addEventListener("click", hideOverlay);
      overlay.append(title, text, close);
    }
    overlay.querySelector("pre").textContent = message; // text, never HTML
    (document.body || document.documentElement).append(overlay);
  };

  let retryDelay = 1000;
  const connect = () => {
    const source = new EventSource(eventsUrl);
    source.addEventListener("open", () => {
      if (state.reconnects > 0) {
        location.reload(); // back after a drop: builds may have been missed
        return;
      }
      state.connected = true;
      retryDelay = 1000;
    });
    source.addEventListener("reload", (event) => onReload(parseList(event.data)));
    source.addEventListener("css", (event) => onCss(parseList(event.data)));
    source.addEventListener("ok", hideOverlay);
    // "error" is both our build-error event (a MessageEvent with data) and EventSource's own
    // connection error (a plain Event).
    source.addEventListener("error", (event) => {
      if (event instanceof MessageEvent) return showOverlay(String(event.data));
      if (state.connected) state.reconnects += 1;
      state.connected = false;
      if (source.readyState === EventSource.CLOSED) {
        // The browser gave up (e.g. something else answered on the port): keep trying ourselves.
        setTimeout(connect, retryDelay);
        retryDelay = Math.min(retryDelay * 2, 10000);
      }
    });
  };
  connect();
})();
