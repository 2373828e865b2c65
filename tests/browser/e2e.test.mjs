// The learner's first visit, end to end, in Debian's Chromium, on a phone and a desktop viewport:
// wrong password → error; sign in → course list → a course → a lecture that really plays → sign out.
// Run by `cargo xtask test` (it starts the demo server and passes JUKO_URL); see lib.mjs.
import { describe } from 'node:test';
import assert from 'node:assert/strict';
import {
  BASE_URL,
  PASSWORD,
  SEL,
  STEP_TIMEOUT_MS,
  USERNAME,
  VIEWPORTS,
  artifacts,
  steps,
  until,
  viewportOptions,
  withBrowser,
} from './lib.mjs';

const sel = {
  ...SEL,
  siteUrl: '#site-url',
  username: '#username',
  password: '#password',
  signInError: '[data-testid=sign-in-error]',
};

for (const vp of VIEWPORTS) {
  describe(`${vp.name} ${vp.viewport.width}x${vp.viewport.height}`, () => {
    const out = artifacts(`e2e/${vp.name}`);
    let browser;
    let page;
    const pageErrors = [];
    const screenshot = (name) => out.screenshot(page, name);

    // A step of the journey: skipped after an earlier failure, screenshot on failure, and no
    // uncaught page error (a wasm panic shows up as one) may happen during it.
    const step = steps(screenshot, {
      check: () => {
        assert.deepEqual(pageErrors.splice(0), [], 'uncaught errors in the page');
        assert.deepEqual(browser.cspViolations, [], 'Content-Security-Policy violations');
      },
    });

    withBrowser(out, viewportOptions(vp.name), (b) => {
      browser = b;
      page = b.page;
      page.on('pageerror', (e) => pageErrors.push(String(e)));
      page.on('requestfailed', (r) => out.note(`requestfailed: ${r.url()} ${r.failure()?.errorText}`));
    });

    step('a wrong password shows an error', async () => {
      await page.goto(`${BASE_URL}/`);
      await page.locator(sel.signIn).waitFor({ state: 'visible' });
      await screenshot('sign-in');
      // On the web the site is the page's own origin, prefilled: a new learner does not type it.
      const site = (await page.locator(sel.siteUrl).inputValue()).replace(/\/$/, '');
      assert.equal(site, new URL(BASE_URL).origin, 'the site URL is prefilled with the page origin');
      await page.locator(sel.username).fill(USERNAME);
      await page.locator(sel.password).fill(`${PASSWORD}-wrong`);
      await page.locator(sel.signIn).click();
      const error = page.locator(sel.signInError);
      await error.waitFor({ state: 'visible' });
      assert.notEqual((await error.innerText()).trim(), '', 'the error says something');
      assert.equal(await page.locator(sel.courseCard).count(), 0, 'no courses after a failed sign-in');
      await screenshot('wrong-password');
    });

    step('signing in lists my courses', async () => {
      await page.locator(sel.username).fill(USERNAME);
      await page.locator(sel.password).fill(PASSWORD);
      await page.locator(sel.signIn).click();
      await page.locator(sel.courseCard).first().waitFor({ state: 'visible' });
      const n = await page.locator(sel.courseCard).count();
      assert.ok(n > 0, 'at least one course card');
      await screenshot('courses');
    });

    step('a course shows its lectures', async () => {
      await page.locator(sel.courseCard).first().click();
      await page.waitForURL(/\/courses\/\d+\/?$/);
      await page.locator(sel.lectureLink).first().waitFor({ state: 'visible' });
      await screenshot('course');
    });

    step('a lecture plays', async () => {
      await page.locator(sel.lectureLink).first().click();
      await page.waitForURL(/\/courses\/\d+\/lectures\/\d+\/?$/);
      const video = page.locator(sel.video);
      await video.waitFor({ state: 'visible' });
      // Playback is allowed without a gesture (--autoplay-policy); the learner would press play.
      await video.evaluate((v) => v.play().catch(() => {}));
      const start = await video.evaluate((v) => v.currentTime);
      // Poll the media clock: it only advances when the stream really decodes and plays.
      const state = await until(
        page,
        () => video.evaluate((v) => ({
          currentTime: v.currentTime,
          paused: v.paused,
          readyState: v.readyState,
          networkState: v.networkState,
          error: v.error ? `${v.error.code} ${v.error.message}` : null,
          src: v.currentSrc,
        })),
        (s) => s.error || s.currentTime > start + 0.5,
      );
      assert.equal(state.error, null, `the video failed: ${JSON.stringify(state)}`);
      assert.ok(state.currentTime > start + 0.5, `currentTime advances: ${JSON.stringify(state)}`);
      await screenshot('lecture-playing');
    });

    step('signing out asks first, then erases the account from the device', async () => {
      const accountKeys = () =>
        page.evaluate(() => Object.keys(localStorage).filter((k) => /^juko:[^:]+:/.test(k)));
      assert.ok((await accountKeys()).length > 0, 'the account keeps data on the device');
      await page.locator(sel.signOut).first().click();
      const dialog = page.locator('[data-testid=sign-out-dialog]');
      await dialog.waitFor({ state: 'visible' });
      // History still unsent is offered to be sent first; either way the device keeps nothing.
      // The dialog follows the sync state (the pause it caused is being sent): take what it
      // offers at the moment, until the sign-in screen is there.
      const deadline = Date.now() + STEP_TIMEOUT_MS;
      while ((await page.locator(sel.signIn).count()) === 0) {
        assert.ok(Date.now() < deadline, 'signed out within the step timeout');
        const first = page.locator('[data-testid=sign-out-sync-first]');
        const choice = (await first.count()) ? first : page.locator('[data-testid=sign-out-confirm]');
        await choice.click({ timeout: 1_000 }).catch(() => {});
        await page.waitForTimeout(100);
      }
      assert.deepEqual(await accountKeys(), [], "nothing of the account is left in the browser's storage");
      // And it stays signed out: the stored session is gone, not just hidden.
      await page.reload();
      await page.locator(sel.signIn).waitFor({ state: 'visible' });
      assert.equal(await page.locator(sel.courseCard).count(), 0);
      await screenshot('signed-out');
    });
  });
}
