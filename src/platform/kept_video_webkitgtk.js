// WebKitGTK plays a kept lecture from a blob URL (see kept_video.rs). The file comes from the
// app's asset handler range by range (each of its answers is bounded, as the webview takes a
// whole body at once), and the blob URL is revoked once no <video> shows it any more (another
// lecture opened, the page left), so the lecture's bytes do not stay in the webview's memory.
async function keptBlob(path) {
  const parts = [];
  let at = 0;
  let total = Infinity;
  while (at < total) {
    const r = await fetch(path, { headers: { Range: `bytes=${at}-` } });
    if (r.status === 200) { parts.push(await r.blob()); break; }
    const m = /^bytes \d+-\d+\/(\d+)$/.exec(r.headers.get("content-range") || "");
    if (r.status !== 206 || !m) return "";
    total = Number(m[1]);
    const part = await r.blob();
    if (!part.size) return "";
    parts.push(part);
    at += part.size;
  }
  const url = URL.createObjectURL(new Blob(parts, { type: "video/mp4" }));
  let shown = false;
  const inUse = () => [...document.querySelectorAll("video")].some((v) => v.src === url);
  const watch = new MutationObserver(() => {
    if (inUse()) { shown = true; return; }
    if (shown) { watch.disconnect(); URL.revokeObjectURL(url); }
  });
  watch.observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ["src"] });
  return url;
}
