// Juko's service worker: the app shell opens without the network.
//
// - Install: precache the shell (index.html, the build's /app/<hash>/ files, manifest, icons) in a
//   cache named for this build, revalidating each file with the server (no stale HTTP cache).
// - Navigations (any app URL, e.g. a deep link /courses/3): network first, so a new build is
//   picked up on the next visit; the cached index.html when the network fails.
// - Shell files: from the cache first. The app's code lives under /app/<hash of its files>/, so a
//   URL always names one build's bytes and a cached file can never be a stale one.
// - Everything else goes to the network untouched, never cached: the Moodle web services
//   (/webservice/, /lib/ajax/, /login/token.php), files (pluginfile.php), video, other origins.
//
// A new build while a page is open: the browser finds the changed /sw.js on the next navigation;
// the new worker precaches its build, takes over at once (skipWaiting + claim) and deletes the old
// build's cache. The open page keeps running the code it already loaded (the whole app is one
// wasm module, loaded at start) and its next load is the new build. If the new build cannot be
// precached (offline, an error), the old worker and its cache stay.
//
// No framework: this file is the whole worker. Its routing is unit-tested in node
// (tests/browser/sw.test.mjs) and its offline reload in Chromium (tests/browser/offline.test.mjs).

// xtask writes the build's version and shell file list into the next line (xtask/src/web.rs).
const BUILD = { version: "unbuilt", shell: ["/"] };

const CACHE_PREFIX = "juko-shell-";
const CACHE = CACHE_PREFIX + BUILD.version;
const SHELL = new Set(BUILD.shell);
/** The cached page every navigation falls back to (the server's SPA fallback answers it too). */
const PAGE = "/";

/** Paths that belong to the Moodle site, never to the app (as the demo server decides). */
function isSitePath(path) {
  return (
    path.split("/").some((segment) => segment.endsWith(".php")) ||
    ["/webservice/", "/lib/ajax/", "/login/", "/pluginfile.php", "/tokenpluginfile.php"].some((p) =>
      path.startsWith(p),
    )
  );
}

/**
 * How a request is answered: "page" (network first, cached page offline), "shell" (cache first)
 * or "network" (not handled here: the browser fetches it as if there were no worker).
 */
function strategyFor(request, origin) {
  const url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== origin || isSitePath(url.pathname)) {
    return "network";
  }
  // Media streams in ranges and is large: never from or into the shell cache.
  if (request.headers.has("range") || ["video", "audio", "track"].includes(request.destination)) {
    return "network";
  }
  if (request.mode === "navigate") return "page";
  if (SHELL.has(url.pathname) && url.search === "") return "shell";
  return "network";
}

/** Where the build's code lives, under a hash of its bytes (xtask/src/shell.rs). */
const CODE_PREFIX = "/app/";

async function precache() {
  const cache = await caches.open(CACHE);
  // The code's URLs name its bytes, so the HTTP cache's copy (the page has just downloaded it)
  // is right. Other files keep their URL across builds: revalidate them with the server (`no-cache`:
  // a 304 when unchanged) rather than trust a cached copy that may be another build's.
  const requests = [...SHELL].map(
    (url) => new Request(url, { cache: url.startsWith(CODE_PREFIX) ? "default" : "no-cache" }),
  );
  await cache.addAll(requests);
}

async function dropOldBuilds() {
  for (const key of await caches.keys()) {
    if (key.startsWith(CACHE_PREFIX) && key !== CACHE) await caches.delete(key);
  }
}

async function networkFirstPage(event) {
  try {
    // Started by the browser in parallel with this worker's start-up, when enabled.
    const preloaded = await event.preloadResponse;
    return preloaded ?? (await fetch(event.request));
  } catch (offline) {
    const cached = await (await caches.open(CACHE)).match(PAGE);
    if (cached) return cached;
    throw offline;
  }
}

async function cacheFirst(request) {
  const cached = await (await caches.open(CACHE)).match(request, { ignoreVary: true });
  return cached ?? fetch(request);
}

self.addEventListener("install", (event) => {
  event.waitUntil(precache().then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    (async () => {
      await dropOldBuilds();
      if (self.registration.navigationPreload) await self.registration.navigationPreload.enable();
      await self.clients.claim();
    })(),
  );
});

self.addEventListener("fetch", (event) => {
  switch (strategyFor(event.request, self.location.origin)) {
    case "page":
      event.respondWith(networkFirstPage(event));
      break;
    case "shell":
      event.respondWith(cacheFirst(event.request));
      break;
    default:
    // "network": no respondWith, so the browser fetches it itself, uncached by this worker.
  }
});
