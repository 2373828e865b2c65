// Lecture downloads on a phone (390×844): a lecture downloaded with its progress shown, the
// network cut, the app reloaded from the service worker, the kept copy played and seeked (its
// time going on from the seek) and its captions shown from the device, the viewing history recording it as it does a streamed one, a
// lecture not downloaded saying so offline, and the storage screen deleting it (asking first), which frees the
// browser's storage; a kept copy with a gap not played, and two tabs taking turns at a
// lecture's download. As icrown1 (iCROWN only), whom no other browser test plays as.
import { describe } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { BASE_URL, SEL, artifacts, signIn, steps, viewportOptions, withBrowser } from './lib.mjs';

const USERNAME = 'icrown1';
const PASSWORD = 'Juko-demo-3';
const out = artifacts('downloads');

const sel = {
  ...SEL,
  control: '[data-testid=download-control]',
  download: '[data-testid=download]',
  status: '[data-testid=download-control] [role=status]',
  playingKept: '[data-testid=playing-kept]',
  notDownloaded: '[data-testid=not-downloaded-offline]',
  next: '[data-testid=next-lecture]',
  captionsToggle: '[data-testid=captions-toggle]',
};

/** Files kept for downloads in the origin private file system, by lecture directory. */
async function keptFiles(page) {
  return page.evaluate(async () => {
    const top = await navigator.storage.getDirectory();
    let root;
    try { root = await top.getDirectoryHandle('juko-downloads'); } catch { return 0; }
    let n = 0;
    const walk = async (dir) => {
      for await (const [, h] of dir.entries()) {
        if (h.kind === 'file') n += (await h.getFile()).size > 0 ? 1 : 0;
        else await walk(h);
      }
    };
    await walk(root);
    return n;
  });
}

describe('a lecture downloaded, played and seeked offline on a phone', () => {
  let browser;
  let page;
  const step = steps((label) => out.screenshot(page, label));
  withBrowser(out, viewportOptions('phone'), (b) => {
    browser = b;
    page = b.page;
  });

  let lectureUrl;
  step('the learner downloads a lecture and sees it through', async () => {
    await signIn(page, USERNAME, PASSWORD);
    await page.locator(sel.courseCard).first().click();
    await page.locator(sel.lectureLink).first().click();
    await page.waitForURL(/\/lectures\/\d+\/?$/);
    lectureUrl = page.url();
    // The service worker must control the page before the network goes.
    await page.waitForFunction(() => Boolean(navigator.serviceWorker?.controller));
    const before = await page.locator(sel.progress).getAttribute('data-coverage');
    assert.equal(Number(before), 0, 'not watched yet');
    await page.locator(sel.download).click();
    // Every state the control passes through, as the learner (and a screen reader) is told.
    const seen = new Set();
    const deadline = Date.now() + 60_000;
    for (;;) {
      const state = await page.locator(sel.control).getAttribute('data-state');
      if (state) seen.add(state);
      if (state === 'done' || state === 'failed' || Date.now() > deadline) break;
      await page.waitForTimeout(50);
    }
    assert.ok(seen.has('done'), `the download finished: ${[...seen]}`);
    assert.equal(await page.locator(sel.status).getAttribute('aria-live'), 'polite');
    assert.match(await page.locator(sel.status).innerText(), /ダウンロード済み|Downloaded/);
    assert.equal(await keptFiles(page), 2, 'the video and its Japanese captions kept in the browser');
    await out.screenshot(page, 'downloaded');
  });

  step('a kept copy plays only whole, and one tab at a time downloads a lecture', async () => {
    // The app's own downloads module, as it loaded it (beside the code, on first use).
    const moduleUrl = await page.evaluate(() =>
      performance.getEntriesByType('resource').map((e) => e.name).find((n) => n.endsWith('/downloads_web.js')));
    assert.ok(moduleUrl, 'the downloads module was loaded');
    const kept = await page.evaluate(async (m) => {
      const d = await import(m);
      const [account, lecture] = ['contiguity-check', 1];
      const put = async (at) => { await d.write(account, lecture, at, new Uint8Array(10).fill(7)); await d.sync(account, lecture); };
      await put(0);
      await put(20); // bytes 10–19 missing
      const gapped = await d.url(account, lecture, 30);
      await put(10);
      const whole = await d.url(account, lecture, 30);
      const short = await d.url(account, lecture, 31);
      await d.erase(account);
      return { gapped, whole, short };
    }, moduleUrl);
    assert.equal(kept.gapped, null, 'segments with a gap are not played');
    assert.match(kept.whole ?? '', /^blob:/, 'contiguous segments of the whole size are');
    assert.equal(kept.short, null, 'segments short of the size are not played');

    // Two tabs: the second waits for the lecture until the first lets it go.
    await page.evaluate(async (m) => (await import(m)).hold('two-tabs', 5, 1), moduleUrl);
    const other = await browser.context.newPage();
    try {
      await other.goto(moduleUrl);
      // The lock is asked for before this returns (hold asks at once).
      await other.evaluate(async (m) => {
        const d = await import(m);
        window.held = false;
        d.hold('two-tabs', 5, 1).then(() => { window.held = true; });
      }, moduleUrl);
      const waiting = await other.evaluate(async () =>
        (await navigator.locks.query()).pending.some((l) => l.name.endsWith('/two-tabs/5')));
      assert.ok(waiting, 'the second tab asked for the lecture and waits');
      assert.equal(await other.evaluate(() => window.held), false, 'the second tab waits');
      await page.evaluate(async (m) => (await import(m)).letGo(1), moduleUrl);
      await other.waitForFunction(() => window.held === true);
      await other.evaluate(async (m) => (await import(m)).letGo(1), moduleUrl);
    } finally {
      await other.close();
    }
  });

  step('on WebKitGTK, the kept copy comes by ranges and its blob URL goes with its video', async () => {
    // The desktop app's glue (kept_video_webkitgtk.js) in a page of a stand-in origin whose
    // asset handler answers at most 4 bytes at a time, as the real one answers 4 MiB.
    const glue = readFileSync(new URL('../../src/platform/kept_video_webkitgtk.js', import.meta.url), 'utf8');
    const file = Buffer.from(Array.from({ length: 10 }, (_, i) => 100 + i));
    const asked = [];
    const tab = await browser.context.newPage();
    try {
      await tab.route('http://kept.test/**', (route) => {
        if (new URL(route.request().url()).pathname !== '/kept-video/a/1') {
          return route.fulfill({ contentType: 'text/html', body: '<!doctype html><body></body>' });
        }
        const range = route.request().headers().range ?? '';
        asked.push(range);
        const from = Number(/^bytes=(\d+)-$/.exec(range)?.[1] ?? 0);
        const to = Math.min(from + 4, file.length);
        return route.fulfill({
          status: 206,
          headers: { 'content-range': `bytes ${from}-${to - 1}/${file.length}`, 'content-type': 'video/mp4' },
          body: file.subarray(from, to),
        });
      });
      await tab.goto('http://kept.test/');
      const url = await tab.evaluate(`${glue}\nkeptBlob('/kept-video/a/1')`);
      assert.match(url, /^blob:/);
      assert.deepEqual(asked, ['bytes=0-', 'bytes=4-', 'bytes=8-'], 'asked range by range');
      const read = (u) => fetch(u).then((r) => r.arrayBuffer()).then((b) => [...new Uint8Array(b)], () => null);
      assert.deepEqual(await tab.evaluate(read, url), [...file], 'the whole file, in order');
      const revoked = (u) => fetch(u).then(() => false, () => true);
      // Shown by the player, the URL stays; another lecture in the player, it is revoked.
      await tab.evaluate((u) => { const v = document.createElement('video'); v.src = u; document.body.append(v); }, url);
      assert.deepEqual(await tab.evaluate(read, url), [...file], 'kept while shown');
      await tab.evaluate(() => { document.querySelector('video').src = 'data:video/mp4,'; });
      assert.equal(await tab.evaluate(revoked, url), true, 'revoked once another plays');
      // The player gone (the page left), its URL goes too.
      const again = await tab.evaluate(`${glue}\nkeptBlob('/kept-video/a/1')`);
      await tab.evaluate((u) => { document.querySelector('video').src = u; }, again);
      assert.equal(await tab.evaluate(revoked, again), false, 'kept while shown');
      await tab.evaluate(() => document.querySelector('video').remove());
      assert.equal(await tab.evaluate(revoked, again), true, 'revoked once the player is gone');
    } finally {
      await tab.close();
    }
  });

  step('offline, a reload plays the kept copy and seeks in it', async () => {
    await browser.context.setOffline(true);
    await page.reload();
    await page.waitForURL(lectureUrl);
    const video = page.locator(sel.video);
    await video.waitFor({ state: 'attached' });
    await page.waitForFunction((s) => document.querySelector(s)?.dataset.source === 'kept', sel.video);
    await page.locator(sel.playingKept).waitFor({ state: 'visible' });
    assert.match(await video.getAttribute('src'), /^blob:/, 'played from the browser storage');
    await page.waitForFunction((s) => document.querySelector(s)?.duration > 0, sel.video);
    await video.evaluate((v) => { v.muted = true; return v.play(); });
    const target = await video.evaluate((v) => { const to = v.duration / 2; v.currentTime = to; return to; });
    await page.waitForFunction((s) => !document.querySelector(s).seeking, sel.video);
    const at = await video.evaluate((v) => v.currentTime);
    assert.ok(Math.abs(at - target) < 1, `seeked to ${target}: currentTime ${at}`);
    await page.waitForFunction(
      ([s, t]) => { const v = document.querySelector(s); if (v.paused) v.play(); return v.currentTime > t + 1; },
      [sel.video, target],
    );
    await video.evaluate((v) => v.pause());
    await out.screenshot(page, 'offline-kept-playing');
  });

  step('offline, the kept copy shows the captions kept with it', async () => {
    await page.locator(sel.captionsToggle).click();
    await page.waitForFunction(() => [...document.querySelector('video').textTracks]
      .some((t) => t.language === 'ja' && t.mode === 'showing' && t.cues && t.cues.length > 0));
    const cues = await page.evaluate(() => [...[...document.querySelector('video').textTracks]
      .find((t) => t.language === 'ja').cues].map((c) => c.text));
    assert.ok(cues.some((c) => c.includes('iCROWN')), `the lecture's own cues: ${cues}`);
    await page.locator(sel.captionsToggle).click();
  });

  step('the viewing history records the offline playback', async () => {
    await page.waitForFunction((s) => Number(document.querySelector(s)?.dataset.coverage) > 0, sel.progress);
    const coverage = Number(await page.locator(sel.progress).getAttribute('data-coverage'));
    assert.ok(coverage > 0, `watched part recorded: ${coverage}`);
  });

  step('offline, a lecture not downloaded says so', async () => {
    await page.locator(sel.next).click();
    await page.waitForURL((u) => u.toString() !== lectureUrl);
    await page.locator(sel.notDownloaded).waitFor({ state: 'visible' });
    await out.screenshot(page, 'offline-not-downloaded');
  });

  step('the storage screen deletes the lecture and frees its space', async () => {
    await browser.context.setOffline(false);
    await page.goto(`${BASE_URL}/downloads`);
    const row = page.locator('[data-testid=download-row]');
    await row.first().waitFor({ state: 'visible' });
    assert.equal(await row.count(), 1);
    assert.match(await page.locator('[data-testid=downloads-total]').innerText(), /\d [KMG]B/);
    await out.screenshot(page, 'storage');
    // Deleting many asks first; Cancel keeps everything.
    await page.locator('[data-testid=delete-all-downloads]').click();
    await page.locator('[data-testid=confirm-dialog]').waitFor({ state: 'visible' });
    await out.screenshot(page, 'storage-confirm');
    await page.locator('[data-testid=confirm-cancel]').click();
    await page.locator('[data-testid=confirm-dialog]').waitFor({ state: 'detached' });
    assert.equal(await row.count(), 1, 'cancelled: still kept');
    assert.equal(await keptFiles(page), 2, "cancelled: the video and its captions still kept");
    // A course's downloads, confirmed.
    await page.locator('[data-testid=delete-course-downloads]').click();
    await page.locator('[data-testid=confirm-yes]').click();
    await page.locator('[data-testid=no-downloads]').waitFor({ state: 'visible' });
    assert.equal(await keptFiles(page), 0, 'nothing kept any more');
    assert.deepEqual(browser.cspViolations, [], 'the kept copy plays under the policy');
  });
});
