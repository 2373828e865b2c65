// Viewing history in the browser, as a learner lives it: watch part of a lecture, reload, it
// resumes there; go offline, keep watching, come back online, and the server has it all.
// Run by `cargo xtask test` after e2e.test.mjs (same server; see lib.mjs).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { BASE_URL, PASSWORD, SEL, USERNAME, artifacts, serverHistory, signIn, withBrowser } from './lib.mjs';

const shots = artifacts('history');

const sel = SEL;

const LEARNER = { username: USERNAME, password: PASSWORD };

describe('viewing history in the browser', () => {
  let browser;
  let page;
  let cmid;
  let courseId;
  const screenshot = (name) => shots.screenshot(page, name);
  const video = () => page.locator(sel.video);
  const time = () => video().evaluate((v) => v.currentTime);
  const playUntil = async (seconds) => {
    await video().evaluate((v) => { v.muted = true; return v.play().catch(() => {}); });
    await page.waitForFunction((t) => document.querySelector('video').currentTime >= t, seconds);
    await video().evaluate((v) => v.pause());
  };
  const syncState = () => page.locator(sel.sync).getAttribute('data-state');

  withBrowser(shots, { viewport: { width: 1280, height: 800 } }, (b) => {
    browser = b;
    page = b.page;
  });

  it('records what is watched and resumes there after a reload', { timeout: 90_000 }, async () => {
    await signIn(page, USERNAME, PASSWORD);
    await page.locator(sel.courseCard).first().click();
    // The third lecture of the first unit: a ten-second clip the other browser test leaves alone.
    await page.locator(sel.lectureLink).nth(2).click();
    await page.waitForURL(/\/lectures\/\d+$/);
    [, courseId, cmid] = page.url().match(/\/courses\/(\d+)\/lectures\/(\d+)$/).map(Number);
    await video().waitFor({ state: 'visible' });
    await playUntil(4);
    const paused = await time();
    await page.waitForFunction((s) => Number(document.querySelector(s).dataset.coverage) > 0.3, sel.progress);
    await page.waitForFunction((s) => document.querySelector(s).dataset.state === 'synced', sel.sync);
    await screenshot('watched-4s');

    await page.reload();
    await video().waitFor({ state: 'visible' });
    await page.waitForFunction(() => document.querySelector('video')?.dataset.resumed === '1');
    const resumed = await time();
    assert.ok(Math.abs(resumed - paused) < 1.0, `resumed at ${resumed}, left at ${paused}`);
    const coverage = Number(await page.locator(sel.progress).getAttribute('data-coverage'));
    assert.ok(coverage > 0.3, `the coverage survives the reload: ${coverage}`);
    await screenshot('resumed');
    // 視聴履歴 lists the lecture in progress once: to continue, not again under recent.
    await page.locator(sel.historyNav).first().click();
    const rows = (list) => page.locator(`[data-testid=${list}] ${sel.historyItem}[href$="/lectures/${cmid}"]`);
    await rows('continue-watching').waitFor({ state: 'visible' });
    assert.equal(await rows('continue-watching').count(), 1);
    assert.equal(await rows('recently-watched').count(), 0, 'not listed a second time');
    await screenshot('history-in-progress');
    await page.goBack();
    await video().waitFor({ state: 'visible' });
  });

  it('keeps watching offline and the server gets it back online', { timeout: 90_000 }, async () => {
    // Make sure the whole clip is in the browser before the network goes away.
    await page.waitForFunction(() => {
      const v = document.querySelector('video');
      return v.buffered.length > 0 && v.buffered.end(v.buffered.length - 1) >= v.duration - 0.1;
    }).catch(() => video().evaluate((v) => v.load()));
    await page.context().setOffline(true);
    await playUntil(9.5);
    await page.waitForFunction((s) => ['offline', 'error'].includes(document.querySelector(s).dataset.state), sel.sync);
    await screenshot('offline');
    const before = await serverHistory(LEARNER, cmid);
    assert.ok(!before || before.coverage < 0.9, `the server cannot have it yet: ${JSON.stringify(before)}`);

    await page.context().setOffline(false);
    await page.waitForFunction((s) => document.querySelector(s).dataset.state === 'synced', sel.sync);
    await screenshot('back-online');
    const after = await serverHistory(LEARNER, cmid);
    assert.ok(after, 'the server has the lecture');
    assert.ok(after.coverage >= 0.9, `the server has the offline part too: ${JSON.stringify(after)}`);
    assert.equal(after.completed, true);
    // And the app shows it: complete, and listed in 視聴履歴.
    await page.locator('[data-testid=lecture-complete]').waitFor({ state: 'visible' });
    await page.locator(sel.historyNav).first().click();
    await page.locator(sel.historyItem).first().waitFor({ state: 'visible' });
    await screenshot('history');
  });

  it('says history is not saved while the device refuses it, until it can save again', { timeout: 90_000 }, async () => {
    await page.goto(`${BASE_URL}/courses/${courseId}/lectures/${cmid}`);
    await video().waitFor({ state: 'visible' });
    await page.waitForFunction(() => document.querySelector('video')?.dataset.resumed === '1');
    // The browser refuses new outbox entries (a full quota): recording fails; syncing still works.
    await page.evaluate(() => {
      const setItem = Storage.prototype.setItem;
      window.__jukoRestoreStorage = () => { Storage.prototype.setItem = setItem; };
      Storage.prototype.setItem = function (key, value) {
        if (/^juko:[^:]*:o:/.test(key)) throw new DOMException('quota exceeded', 'QuotaExceededError');
        return setItem.call(this, key, value);
      };
    });
    await video().evaluate((v) => { v.currentTime = 0; });
    await playUntil(2);
    await page.waitForFunction((s) => document.querySelector(s).dataset.state === 'not-kept', sel.sync);
    // A sync round that goes well does not hide it: the badge still says history is not saved.
    const round = page.waitForResponse((r) => r.url().includes('/webservice/rest/server.php'));
    await page.evaluate(() => window.dispatchEvent(new Event('online')));
    await round;
    await page.waitForFunction((s) => document.querySelector(s).dataset.sync === 'synced', sel.sync);
    assert.equal(await syncState(), 'not-kept');
    await screenshot('not-kept');

    // Storage works again: the next write clears it.
    await page.evaluate(() => window.__jukoRestoreStorage());
    await playUntil(4);
    await page.waitForFunction((s) => document.querySelector(s).dataset.state !== 'not-kept', sel.sync);
  });

  it('the page broke no Content-Security-Policy rule', () => {
    assert.deepEqual(browser.cspViolations, []);
  });
});
