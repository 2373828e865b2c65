// Certificates (修了証) kept in the browser: the Cache API, one cache per account, so a PDF
// fetched once opens offline. Its name does not start with the service worker's prefix, so a
// new build of the app never deletes it; signing out does.
const name = (account) => "juko-certificates-" + account;
// `key` is the certificate and the issue the PDF was drawn for (`12-1764378000`, or `12` before
// the site told the issue time).
const url = (key) => "/juko-certificate/" + key + ".pdf";

// Without the Cache API (a page not served over https or from localhost), nothing is kept: the
// certificate still opens, from the site each time.
export async function pdfGet(account, key) {
  if (!self.caches) return null;
  const cache = await caches.open(name(account));
  const kept = await cache.match(url(key));
  return kept ? new Uint8Array(await kept.arrayBuffer()) : null;
}

// Keeps the PDF and drops the certificate's copies of other issues.
export async function pdfPut(account, id, key, bytes) {
  if (!self.caches) return;
  const cache = await caches.open(name(account));
  await cache.put(url(key), new Response(bytes, { headers: { "content-type": "application/pdf" } }));
  const kept = url(key);
  for (const request of await cache.keys()) {
    const path = new URL(request.url).pathname;
    const same = path === url(id) || path.startsWith("/juko-certificate/" + id + "-");
    if (same && path !== kept) await cache.delete(request);
  }
}

export async function pdfErase(account) {
  if (!self.caches) return;
  await caches.delete(name(account));
}

// At start: the caches of accounts signed out without erasing them (the tab closed first).
// `keep` is the signed-in account; with none ("") nothing goes: the app could not tell whose
// they are. Returns how many went.
export async function pdfEraseOthers(keep) {
  if (!self.caches || !keep) return 0;
  let removed = 0;
  for (const cache of await caches.keys()) {
    if (cache.startsWith(name("")) && cache !== name(keep)) {
      await caches.delete(cache);
      removed += 1;
    }
  }
  return removed;
}

// Opens the PDF in a new tab; where pop-ups are blocked, downloads it instead.
export function pdfOpen(bytes, filename) {
  const url = URL.createObjectURL(new Blob([bytes], { type: "application/pdf" }));
  const tab = window.open(url, "_blank");
  if (!tab) {
    const a = document.createElement("a");
    a.href = url;
    a.download = filename;
    a.click();
  }
  // The tab has loaded it by then; the URL only holds the bytes in memory.
  setTimeout(() => URL.revokeObjectURL(url), 60000);
}
