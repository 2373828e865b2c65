// Every screen checked by axe-core in Japanese and English, light and dark, failing on any
// serious or critical violation (its rule, where, and on which screen), and photographed at a
// phone's (390×844), a tablet's (820×1180) and a desktop's (1440×900) size in both themes, into
// artifacts/screens/ (CI keeps the artifacts directory).
//
// As icrown1 (the iCROWN training only), whom no other browser test signs in: its test attempt
// changes nothing the other files count on. One browser and one page for the whole file: the
// sizes, themes and languages are switched on the page (setViewportSize, emulateMedia, the app's
// own language switch), so the file adds about a minute to the run.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { ARTIFACTS, BASE_URL, artifacts, signIn, withBrowser } from './lib.mjs';

const require = createRequire(import.meta.url);
const AXE = require.resolve('axe-core/axe.min.js');
// This run's screenshots only (names carry no run number).
rmSync(join(ARTIFACTS, 'screens'), { recursive: true, force: true });
const shots = artifacts('screens');
const USERNAME = 'icrown1';
const PASSWORD = 'Juko-demo-3';

const SIZES = [
  { name: 'phone', width: 390, height: 844 },
  { name: 'tablet', width: 820, height: 1180 },
  { name: 'desktop', width: 1440, height: 900 },
];
const ZOOMED = { width: 720, height: 450 };
const THEMES = ['light', 'dark'];
const LANGS = ['ja', 'en'];

describe('every screen is accessible and photographed', () => {
  let page;

  /** Waits until the screen has drawn: nothing loading, and a heading or a form. */
  const ready = async () => {
    await page.waitForFunction(() => {
      const root = document.querySelector('.app-root');
      if (!root || document.querySelector('.loading')) return false;
      return root.querySelector('h1, form, .error-panel') !== null;
    });
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
  };

  /** The app in `lang`, through its own switch (the language stays when the screen changes). */
  const setLang = async (lang) => {
    const now = await page.locator('.app-root').getAttribute('lang');
    if (now === lang) return;
    if ((await page.locator('[data-testid=lang-switch]').count()) > 0) {
      await page.locator('[data-testid=lang-switch]').first().click();
    } else {
      // A screen without the switch (not found): the kept preference, read at start.
      await page.evaluate((l) => localStorage.setItem('juko.lang', l), lang);
      await page.reload();
    }
    await page.waitForFunction((l) => document.querySelector('.app-root')?.lang === l, lang);
  };

  /** axe-core's serious and critical violations on the page as it is now. */
  const violations = async () => {
    if (!(await page.evaluate(() => typeof window.axe === 'object'))) await page.addScriptTag({ path: AXE });
    return page.evaluate(async () => {
      const r = await window.axe.run(document, { resultTypes: ['violations'] });
      // axe really looked: the contrast of the screen's text was among what it checked.
      if (!r.passes.some((p) => p.id === 'color-contrast')) return ['axe-core checked no text contrast'];
      return r.violations
        .filter((v) => v.impact === 'serious' || v.impact === 'critical')
        .map((v) => `${v.id} (${v.impact}): ${v.nodes.slice(0, 4).map((n) => n.target.join(' ')).join(', ')}`);
    });
  };

  /**
   * Checks the screen on show: axe at the phone's size in each language and theme, then the
   * screenshots at each size in each theme (in Japanese). Fails listing every violation found.
   */
  const check = async (screen) => {
    await ready();
    const found = [];
    for (const theme of THEMES) {
      await page.emulateMedia({ colorScheme: theme });
      await page.setViewportSize(SIZES[0]);
      for (const lang of LANGS) {
        await setLang(lang);
        await ready();
        for (const v of await violations()) found.push(`${screen} [${lang}, ${theme}]: ${v}`);
      }
      await setLang('ja');
      for (const size of SIZES) {
        await page.setViewportSize(size);
        await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
        await shots.screenshot(page, `${screen}-${size.name}-${theme}`);
      }
    }
    await page.emulateMedia({ colorScheme: 'light' });
    // 200 % zoom of a 1440×900 window is a 720×450 one: nothing wider than the screen.
    await page.setViewportSize(ZOOMED);
    const wide = await page.evaluate(() => document.documentElement.scrollWidth);
    if (wide > ZOOMED.width) found.push(`${screen} at 200 % zoom: the page is ${wide} px wide in ${ZOOMED.width}`);
    await page.setViewportSize(SIZES[0]);
    assert.deepEqual(found, [], `serious or critical violations (axe-core), or overflow:\n${found.join('\n')}`);
  };

  /** Opens `path` in the app (a fresh page load, as a link from outside would). */
  const open = async (path) => {
    await page.goto(`${BASE_URL}${path}`);
  };

  // CSP stays on for the app; only the test's own injected script needs it bypassed.
  withBrowser(shots, { viewport: SIZES[0], locale: 'ja-JP', bypassCSP: true }, (b) => {
    page = b.page;
  });

  it('sign-in, and the check fails where it should', { timeout: 60_000 }, async () => {
    await open('/');
    await page.locator('#username').waitFor();
    // A button without a name and grey-on-white text: both reported, with where they are.
    await page.evaluate(() => {
      const bad = document.createElement('div');
      bad.id = 'a11y-control';
      bad.innerHTML = '<button></button><p style="color:#ccc;background:#fff">faint</p>';
      document.querySelector('.app-root').append(bad);
    });
    const caught = await violations();
    assert.ok(caught.some((v) => v.startsWith('button-name') && v.includes('#a11y-control')), caught.join('\n'));
    assert.ok(caught.some((v) => v.startsWith('color-contrast')), caught.join('\n'));
    await page.evaluate(() => document.getElementById('a11y-control').remove());
    await check('sign-in');
  });

  it('ホーム', { timeout: 60_000 }, async () => {
    await signIn(page, USERNAME, PASSWORD);
    await page.locator('[data-testid=course-card]').first().waitFor();
    await check('home');
  });

  it('course', { timeout: 60_000 }, async () => {
    await page.locator('[data-testid=course-card]').first().click();
    await page.waitForURL(/\/courses\/\d+$/);
    await page.locator('.lecture-row').first().waitFor();
    await check('course');
  });

  it('lecture', { timeout: 60_000 }, async () => {
    const course = page.url();
    await page.locator('a.lecture-row[href*="/lectures/"]').first().click();
    await page.waitForURL(/\/lectures\/\d+$/);
    await check('lecture');
    // Beside the lecture from tablets up: its unit's lectures, the one shown marked.
    await page.setViewportSize(SIZES[1]);
    const beside = page.locator('.unit-lectures');
    assert.ok(await beside.isVisible(), 'the unit\'s lectures beside the lecture on a tablet');
    assert.equal(await beside.locator('[aria-current=page]').count(), 1);
    await page.setViewportSize(SIZES[0]);
    assert.ok(!(await beside.isVisible()), 'not on a phone (previous / next there)');
    await page.goto(course);
  });

  it('test page, attempt and review', { timeout: 120_000 }, async () => {
    await page.locator('[data-testid=quiz-link]').first().click();
    await page.locator('[data-testid=quiz-start]').waitFor();
    await check('quiz');
    await page.locator('[data-testid=quiz-start]').click();
    await page.waitForURL(/\/attempts\/\d+$/);
    await page.locator('.attempt-question.current [data-testid=question]').waitFor();
    await check('attempt');
    // Through the questions without answering (a sequential test has no way back), then submit.
    const questions = await page.locator('[data-testid=nav-question]').count();
    for (let slot = 2; slot <= questions; slot += 1) {
      await page.locator('[data-testid=next-question]').click();
      await page.locator(`[data-testid=nav-question][data-slot="${slot}"][aria-current=step]`).waitFor();
    }
    await page.locator('[data-testid=finish-attempt]').click();
    await page.locator('[data-testid=submit-attempt]').waitFor();
    await check('attempt-summary');
    await page.locator('[data-testid=submit-attempt]').click();
    await page.locator('[data-testid=submit-confirm]').click();
    await page.locator('[data-testid=attempt-result-panel]').waitFor();
    await check('attempt-review');
  });

  it('視聴履歴', { timeout: 60_000 }, async () => {
    await page.locator('[data-testid=nav-history]').click();
    await page.waitForURL(/\/history$/);
    await check('history');
  });

  it('お知らせ and an announcement', { timeout: 90_000 }, async () => {
    await page.locator('[data-testid=nav-news]').click();
    await page.waitForURL(/\/news$/);
    await page.locator('.news-item').first().waitFor();
    await check('news');
    await page.locator('.news-item').first().click();
    await page.waitForURL(/\/news\/\d+$/);
    await check('announcement');
  });

  it('修了証', { timeout: 60_000 }, async () => {
    await page.locator('[data-testid=nav-certificates]').click();
    await page.waitForURL(/\/certificates$/);
    await check('certificates');
  });

  it('施設コースに参加', { timeout: 60_000 }, async () => {
    await open('/join');
    await check('join');
  });

  it('設定: its choices work and it passes', { timeout: 90_000 }, async () => {
    await page.locator('[data-testid=nav-settings]').click();
    await page.waitForURL(/\/settings$/);
    await check('settings');
    // Dark chosen in 設定 wins over a light system, and is kept across a reload.
    await page.emulateMedia({ colorScheme: 'light' });
    const background = () => page.evaluate(() => getComputedStyle(document.documentElement).backgroundColor);
    const light = await background();
    await page.locator('[data-testid=appearance-dark]').check();
    await page.waitForFunction((l) => getComputedStyle(document.documentElement).backgroundColor !== l, light);
    await page.reload();
    await page.locator('[data-testid=appearance-dark]').waitFor();
    assert.ok(await page.locator('[data-testid=appearance-dark]').isChecked(), 'the choice is kept');
    assert.notEqual(await background(), light, 'dark after a reload');
    // Following the system again: light under a light system.
    await page.locator('[data-testid=appearance-system]').check();
    await page.waitForFunction((l) => getComputedStyle(document.documentElement).backgroundColor === l, light);
    // The language chosen here is the app's.
    await page.locator('[data-testid=language-en]').check();
    await page.waitForFunction(() => document.querySelector('.app-root')?.lang === 'en');
    await page.locator('[data-testid=language-ja]').check();
    await page.waitForFunction(() => document.querySelector('.app-root')?.lang === 'ja');
    // The licences load only when asked, from the site, and list the app's crates.
    assert.equal(await page.locator('[data-testid=licences]').count(), 0);
    await page.locator('[data-testid=show-licences]').click();
    const frame = page.frameLocator('[data-testid=licences]');
    await frame.locator('body', { hasText: 'dioxus' }).waitFor();
    // …in the app's card colours: the system's theme, or the one chosen here (never a white
    // page in the dark theme).
    const card = { light: 'rgb(255, 255, 255)', dark: 'rgb(27, 33, 43)' };
    const licencesIn = (want) => page.waitForFunction((w) => {
      const doc = document.querySelector('[data-testid=licences]')?.contentDocument;
      return doc?.body && getComputedStyle(doc.documentElement).backgroundColor === w;
    }, want);
    await licencesIn(card.light);
    await page.emulateMedia({ colorScheme: 'dark' });
    await licencesIn(card.dark);
    await page.locator('[data-testid=licences]').scrollIntoViewIfNeeded();
    await shots.screenshot(page, 'licences-dark');
    await page.locator('[data-testid=appearance-light]').check();
    await licencesIn(card.light);
    await page.emulateMedia({ colorScheme: 'light' });
    await page.locator('[data-testid=appearance-dark]').check();
    await licencesIn(card.dark);
    await page.locator('[data-testid=appearance-system]').check();
    await licencesIn(card.light);
  });

  it('not found', { timeout: 60_000 }, async () => {
    await open('/no/such/screen');
    await check('not-found');
  });
});
