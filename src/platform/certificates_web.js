// Certificates (修了証) kept in the browser: the Cache API, one cache per account, so a PDF
// fetched once opens offline. Its name does not start with the service worker's prefix, so a
// new build of the app never deletes it; signing out does.
const name = (account) => "juko-certificates-" + account;
const key = (id) => "/juko-certificate/" + id + ".pdf";

// Without the Cache API (a page not served over https or from localhost), nothing is kept: the
// certificate still opens, from the site each time.
export async function pdfGet(account, id) {
  if (!self.caches) return null;
  const cache = await caches.open(name(account));
  const kept = await cache.match(key(id));
  return kept ? new Uint8Array(await kept.arrayBuffer()) : null;
}

export async function pdfPut(account, id, bytes) {
  if (!self.caches) return;
  const cache = await caches.open(name(account));
  await cache.put(key(id), new Response(bytes, { headers: { "content-type": "application/pdf" } }));
}

export async function pdfErase(account) {
  if (!self.caches) return;
  await caches.delete(name(account));
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
