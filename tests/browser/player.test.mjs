// The learner's player, on a phone (in Japanese, as learner2 in facility B) and on a desktop
// (in English, as learner1 in facility A): speed chosen, kept after a reload and on the next
// lecture; the basics unit's captions load their cues (Japanese on the phone); shortcuts outside
// fields; the screen kept awake only while playing; the next lecture offered at the end and
// opened by its button; and viewing history still right after playing at 2×.
// Run by `cargo xtask test` (same server as the others; see lib.mjs).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { SEL, artifacts, serverHistory, signIn, viewportOptions, withBrowser } from './lib.mjs';

const shots = artifacts('player');

const sel = {
  ...SEL,
  speed: '[data-testid=playback-speed]',
  captionsToggle: '[data-testid=captions-toggle]',
  upNext: '[data-testid=up-next]',
  upNextGo: '[data-testid=up-next-go]',
};

// navigator.wakeLock, counted: what the page asked for and whether a lock is held now.
const FAKE_WAKE_LOCK = () => {
  const wake = { requests: 0, releases: 0, held: 0 };
  window.__wake = wake;
  Object.defineProperty(navigator, 'wakeLock', {
    configurable: true,
    value: {
      request(type) {
        wake.requests += 1;
        wake.held += 1;
        const sentinel = {
          type,
          released: false,
          onrelease: null,
          release() {
            if (!sentinel.released) {
              sentinel.released = true;
              wake.releases += 1;
              wake.held -= 1;
            }
            return Promise.resolve();
          },
          addEventListener() {},
        };
        return Promise.resolve(sentinel);
      },
    },
  });
};

const RUNS = [
  { viewport: 'phone', locale: 'ja-JP', user: { username: 'learner2', password: 'Juko-demo-2' }, captions: 'ja', cue: '臨床研究概論' },
  { viewport: 'desktop', locale: 'en-US', user: { username: 'learner1', password: 'Juko-demo-1' }, captions: 'en', cue: 'Lecture:' },
];

for (const run of RUNS) {
  describe(`the player on a ${run.viewport} (${run.locale})`, () => {
    let browser;
    let page;
    const screenshot = (name) => shots.screenshot(page, `${run.viewport}-${name}`);
    const video = () => page.locator(sel.video);
    const rate = () => video().evaluate((v) => v.playbackRate);
    const chosenSpeed = () => page.locator(sel.speed).evaluate((s) => s.selectedOptions[0]?.textContent);
    const wake = () => page.evaluate(() => ({ ...window.__wake }));
    const loaded = () => page.waitForFunction((s) => document.querySelector(s)?.readyState >= 1, sel.video);

    withBrowser(shots, viewportOptions(run.viewport, { locale: run.locale }), async (b) => {
      browser = b;
      page = b.page;
      await page.addInitScript(FAKE_WAKE_LOCK);
    });

    it('remembers the speed, loads captions, keeps the screen awake only while playing', { timeout: 120_000 }, async () => {
      await signIn(page, run.user.username, run.user.password);
      await page.locator(sel.courseCard).first().click();
      // The basics unit's first lecture (5 s on the test server), with captions in ja and en.
      await page.locator(sel.lectureLink).first().click();
      await page.waitForURL(/\/lectures\/\d+$/);
      await loaded();

      await page.locator(sel.speed).selectOption({ label: '1.5×' });
      assert.equal(await rate(), 1.5);
      await page.reload();
      await loaded();
      await page.waitForFunction((s) => document.querySelector(s).playbackRate === 1.5, sel.video);
      assert.equal(await chosenSpeed(), '1.5×', 'the control shows the kept speed');

      // Captions: the tracks load their cues; the learner's language is the one shown.
      const track = (lang) => page.evaluate((l) => {
        const t = [...document.querySelector('video').textTracks].find((x) => x.language === l);
        return t && { mode: t.mode, cues: t.cues ? [...t.cues].map((c) => c.text) : [] };
      }, lang);
      await page.waitForFunction(() => {
        const t = [...document.querySelector('video').textTracks].find((x) => x.language === 'ja');
        return t && t.cues && t.cues.length > 0;
      });
      const ja = await track('ja');
      assert.ok(ja.cues.some((c) => c.includes('臨床研究概論')), `Japanese cues: ${ja.cues}`);
      assert.notEqual((await track(run.captions)).mode, 'showing', 'captions start off');
      await page.locator('h1').click();
      await page.keyboard.press('c');
      await page.waitForFunction((l) => [...document.querySelector('video').textTracks]
        .some((t) => t.language === l && t.mode === 'showing' && t.cues && t.cues.length > 0), run.captions);
      assert.equal(await page.locator(sel.captionsToggle).getAttribute('aria-pressed'), 'true');
      assert.ok((await track(run.captions)).cues.some((c) => c.includes(run.cue)));
      await screenshot('captions');

      // The screen stays awake while playing, not while paused.
      await video().evaluate((v) => { v.muted = true; return v.play(); });
      await page.waitForFunction(() => window.__wake.held === 1);
      await video().evaluate((v) => v.pause());
      await page.waitForFunction(() => window.__wake.held === 0);
      const w = await wake();
      assert.ok(w.requests >= 1 && w.releases >= 1, JSON.stringify(w));
    });

    it('offers the next lecture at the end, at 2× with history intact, and seeks by keys', { timeout: 120_000 }, async () => {
      const [, , cmid] = page.url().match(/\/courses\/(\d+)\/lectures\/(\d+)$/).map(Number);
      await page.locator('h1').click();
      await page.keyboard.press('Shift+>');
      await page.keyboard.press('Shift+>');
      await page.waitForFunction((s) => document.querySelector(s).playbackRate === 2, sel.video);
      assert.equal(await chosenSpeed(), '2×');
      // The whole lecture from the start at 2×.
      await video().evaluate((v) => { v.currentTime = 0; });
      await page.waitForFunction((s) => !document.querySelector(s).seeking, sel.video);
      await video().evaluate((v) => { v.muted = true; return v.play(); });
      await page.locator(sel.upNext).waitFor({ state: 'visible' });
      await page.waitForFunction(() => window.__wake.held === 0);
      const focused = await page.evaluate(() => document.activeElement?.dataset.testid);
      assert.equal(focused, 'up-next-go', 'the offer takes the focus');
      const offer = await page.locator(sel.upNext).innerText();
      assert.match(offer, /2\. 治療開発のための研究1/, offer);
      await screenshot('up-next');

      // Viewing history: all of it watched once, complete, on the device and on the site.
      await page.waitForFunction((s) => Number(document.querySelector(s).dataset.coverage) >= 0.9, sel.progress);
      await page.waitForFunction((s) => document.querySelector(s).dataset.state === 'synced', sel.sync);
      const record = await serverHistory(run.user, cmid);
      assert.ok(record && record.coverage >= 0.9 && record.coverage <= 1, JSON.stringify(record));
      assert.equal(record.completed, true);

      await page.locator(sel.upNextGo).click();
      await page.waitForURL((u) => !u.pathname.endsWith(`/lectures/${cmid}`));
      await loaded();
      await page.waitForFunction((s) => document.querySelector(s).playbackRate === 2, sel.video);
      // "Play the next lecture" plays it.
      await page.waitForFunction((s) => !document.querySelector(s).paused, sel.video);

      // Keys: → moves 5 s; not while typing in a field.
      await page.waitForFunction(() => document.querySelector('video').dataset.resumed === '1');
      await video().evaluate((v) => { v.pause(); v.currentTime = 1; });
      await page.waitForFunction((s) => !document.querySelector(s).seeking, sel.video);
      await page.locator('h1').click();
      await page.keyboard.press('ArrowRight');
      await page.waitForFunction((s) => !document.querySelector(s).seeking, sel.video);
      const moved = await video().evaluate((v) => v.currentTime);
      assert.ok(Math.abs(moved - 6) < 0.6, `ArrowRight moved to ${moved}`);
      await page.evaluate(() => {
        const input = document.createElement('input');
        input.id = 'typing';
        document.body.append(input);
      });
      await page.locator('#typing').focus();
      await page.keyboard.press('ArrowRight');
      await page.keyboard.press('k');
      assert.equal(await video().evaluate((v) => v.paused), true, 'k typed in a field plays nothing');
      assert.ok(Math.abs((await video().evaluate((v) => v.currentTime)) - moved) < 0.01);
      await page.locator('h1').click();
      await page.keyboard.press('Shift+<');
      await page.waitForFunction((s) => document.querySelector(s).playbackRate === 1.75, sel.video);
      await screenshot('next-lecture');
      assert.deepEqual(browser.cspViolations, [], 'captions load under the Content-Security-Policy');
    });
  });
}
