// Starts the app, then registers the service worker. A file, not an inline script, so the
// Content-Security-Policy can forbid inline scripts (docs/deploy-web.md). xtask places it beside
// juko.js and juko_bg.wasm in the build's own directory (/app/<hash>/), so these relative URLs
// always name files of the same build.
import init from "./juko.js";

const boot = document.getElementById("boot");

try {
  // wasm-bindgen runs the binary's `main` (dioxus::launch) once the module is instantiated.
  await init({ module_or_path: new URL("./juko_bg.wasm", import.meta.url) });
} catch (e) {
  console.error(e);
  boot.textContent = "Juko could not start in this browser. / このブラウザでは Juko を起動できません。";
}

// Registered after the app has started: the worker's first install then revalidates the files
// this visit already downloaded (304s) instead of downloading the wasm a second time.
if ("serviceWorker" in navigator) {
  navigator.serviceWorker.register("/sw.js", { scope: "/" }).catch((e) => {
    // The app works without it (e.g. served by `dx serve`, which has no /sw.js): only offline
    // reloads are lost.
    console.warn("Juko: no service worker, so no offline reload:", e);
  });
}
