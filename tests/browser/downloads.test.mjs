// Lecture downloads on a phone (390×844): a lecture downloaded with its progress shown, the
// network cut, the app reloaded from the service worker, the kept copy played and seeked (its
// time going on from the seek), the viewing history recording it as it does a streamed one, a
// lecture not downloaded saying so offline, and the storage screen deleting it, which frees the
// browser's storage. As icrown1 (iCROWN only), whom no other browser test plays as.
import { describe } from 'node:test';
import assert from 'node:assert/strict';
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
    assert.equal(await keptFiles(page), 1, 'one file kept in the browser');
    await out.screenshot(page, 'downloaded');
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
    assert.match(await page.locator('[data-testid=downloads-total]').innerText(), /MB/);
    await out.screenshot(page, 'storage');
    await page.locator('[data-testid=delete-download]').click();
    await page.locator('[data-testid=no-downloads]').waitFor({ state: 'visible' });
    assert.equal(await keptFiles(page), 0, 'nothing kept any more');
    assert.deepEqual(browser.cspViolations, [], 'the kept copy plays under the policy');
  });
});
