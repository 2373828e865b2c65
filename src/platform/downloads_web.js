// Downloaded lectures kept in the browser: the origin private file system (OPFS), one directory
// per account and lecture (its video's segments and its caption files). Loaded on first use (dynamic import), so the first screen does not
// carry it.
//
// A lecture is kept as segments, one file per stretch written between two syncs and named for
// its first byte's offset: an OPFS writable commits only on close(), and reopening one keeps the
// old data by copying it, so appending to one big file would copy it again at every sync. The
// player gets one Blob made of the segments' Files (no copy) and seeks in it.
const ROOT = "juko-downloads";
const open = new Map(); // "account/lecture" → { writable, end }
const urls = new Map(); // "account/lecture" → blob URL given to the player
const holds = new Map(); // hold number → its lock's release, or "dropped" (let go before it came)

async function root() {
  const top = await navigator.storage.getDirectory();
  return top.getDirectoryHandle(ROOT, { create: true });
}
async function accountDir(account, create) {
  return (await root()).getDirectoryHandle(account, { create });
}
async function lectureDir(account, lecture, create) {
  return (await accountDir(account, create)).getDirectoryHandle(String(lecture), { create });
}
async function maybe(f) {
  try { return await f(); } catch (e) { if (e && e.name === "NotFoundError") return null; throw e; }
}
// The segments with their Files, by offset.
async function segments(dir) {
  const all = [];
  for await (const [name, handle] of dir.entries()) {
    if (handle.kind === "file" && /^\d+$/.test(name)) all.push({ start: Number(name), name, file: await handle.getFile() });
  }
  return all.sort((a, b) => a.start - b.start);
}
async function closeOpen(key) {
  const o = open.get(key);
  if (o) { open.delete(key); await o.writable.close(); }
}

// Whether the segments make the file's `size` bytes, without a gap.
export function contiguous(segs, size) {
  let end = 0;
  for (const s of segs) { if (s.start !== end) return false; end += s.file.size; }
  return end === size;
}

// Holds the lecture's download for this tab (Web Locks: another tab waits); `n` names it for letGo.
export async function hold(account, lecture, n) {
  if (!navigator.locks) return;
  await new Promise((held, failed) => {
    navigator.locks.request(`${ROOT}/${account}/${lecture}`, () => new Promise((release) => {
      if (holds.get(n) === "dropped") { holds.delete(n); release(); } else holds.set(n, release);
      held();
    })).catch(failed);
  });
}

export function letGo(n) {
  const release = holds.get(n);
  if (typeof release === "function") { holds.delete(n); release(); } else holds.set(n, "dropped");
}

export async function len(account, lecture) {
  const dir = await maybe(() => lectureDir(account, lecture, false));
  if (!dir) return null;
  let end = 0;
  for (const s of await segments(dir)) { if (s.start !== end) break; end += s.file.size; }
  return end;
}

export async function write(account, lecture, offset, bytes) {
  const key = account + "/" + lecture;
  let o = open.get(key);
  if (o && o.end !== offset) { await closeOpen(key); o = null; }
  if (!o) {
    const dir = await lectureDir(account, lecture, true);
    const handle = await dir.getFileHandle(String(offset), { create: true });
    o = { writable: await handle.createWritable(), end: offset };
    open.set(key, o);
  }
  await o.writable.write(bytes);
  o.end += bytes.length;
}

// Commits what was written (OPFS writes land on close).
export async function sync(account, lecture) {
  await closeOpen(account + "/" + lecture);
}

export async function truncate(account, lecture, length) {
  await closeOpen(account + "/" + lecture);
  const dir = await lectureDir(account, lecture, true);
  for (const s of await segments(dir)) {
    if (s.start >= length) { await dir.removeEntry(s.name); continue; }
    if (s.start + s.file.size > length) {
      const kept = await s.file.slice(0, length - s.start).arrayBuffer();
      const w = await (await dir.getFileHandle(s.name)).createWritable();
      await w.write(kept);
      await w.close();
    }
  }
}

// A caption track kept beside the lecture's segments (whose names are digits only).
const captionName = (index) => `caption-${index}.vtt`;

export async function writeCaption(account, lecture, index, text) {
  const dir = await lectureDir(account, lecture, true);
  const w = await (await dir.getFileHandle(captionName(index), { create: true })).createWritable();
  await w.write(text);
  await w.close();
}

export async function caption(account, lecture, index) {
  const dir = await maybe(() => lectureDir(account, lecture, false));
  const handle = dir && (await maybe(() => dir.getFileHandle(captionName(index))));
  return handle ? (await handle.getFile()).text() : null;
}

export async function remove(account, lecture) {
  await closeOpen(account + "/" + lecture);
  forget(account + "/" + lecture);
  await maybe(async () => (await accountDir(account, false)).removeEntry(String(lecture), { recursive: true }));
}

export async function erase(account) {
  for (const key of [...open.keys()]) if (key.startsWith(account + "/")) await closeOpen(key);
  await maybe(async () => (await root()).removeEntry(account, { recursive: true }));
}

export async function eraseOthers(keep) {
  if (!keep) return 0; // no account to keep: the app could not tell whose they are
  const top = await root();
  const names = [];
  for await (const [name] of top.entries()) if (name !== keep) names.push(name);
  for (const name of names) await top.removeEntry(name, { recursive: true });
  return names.length;
}

function forget(key) {
  const url = urls.get(key);
  if (url) { URL.revokeObjectURL(url); urls.delete(key); }
}

// A blob URL of the kept lecture for the player: null unless its `size` bytes are all kept.
export async function url(account, lecture, size) {
  const dir = await maybe(() => lectureDir(account, lecture, false));
  if (!dir) return null;
  const segs = await segments(dir);
  if (!size || !contiguous(segs, size)) return null;
  const parts = segs.map((s) => s.file);
  const key = account + "/" + lecture;
  forget(key);
  const made = URL.createObjectURL(new Blob(parts, { type: "video/mp4" }));
  urls.set(key, made);
  return made;
}

// Bytes the browser still lets this origin keep, when it tells.
export async function free() {
  if (!navigator.storage || !navigator.storage.estimate) return null;
  const { quota, usage } = await navigator.storage.estimate();
  return quota == null ? null : Math.max(0, quota - (usage || 0));
}
