// The console's only script: refreshes the parts of a page marked data-live (every second, while the tab is visible)
// with the fragment the server renders for them. Everything else works without it.
(() => {
  "use strict";
  for (const region of document.querySelectorAll("[data-live]")) {
    const url = region.getAttribute("data-live");
    let busy = false;
    setInterval(async () => {
      if (busy || document.hidden) return;
      // A focused control inside the region (a Rebuild button) would lose focus if replaced under the keyboard.
      if (region.contains(document.activeElement) && document.activeElement !== document.body) return;
      busy = true;
      try {
        const response = await fetch(url, { headers: { "X-Console-Live": "1" }, credentials: "same-origin", cache: "no-store" });
        if (response.status === 401) { window.location.assign("/console/sign-in"); return; }
        if (response.ok) region.innerHTML = await response.text();
      } catch {
        // Offline for a moment: the next tick tries again; the page keeps showing the last figures.
      } finally {
        busy = false;
      }
    }, 1000);
  }
})();
