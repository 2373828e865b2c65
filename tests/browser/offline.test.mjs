// The web app without the network, in Debian's Chromium: after the first visit the service worker
// controls the page and the app is installable; offline, a reload (and a deep link) opens the app, still signed in, and
// shows what the device kept: my courses, the course and the lecture opened online (with an
// "offline" notice and when they were kept), viewing history with titles, and a plain word that
// the video needs a connection; back online, the screens are brought up to date and the site's
// answers never come from the worker; a second browser that never opened a course gets titles
// for the history it pulled; a new build deployed on the server is what the next visit gets,
// online and then offline. Run by `cargo xtask test` after history.test.mjs (same server; see
// lib.mjs).
import { describe } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BASE_URL, PASSWORD, SEL, USERNAME, artifacts, openBrowser, signIn, steps, until, withBrowser } from './lib.mjs';

const out = artifacts('offline');

const sel = {
  ...SEL,
  freshness: '[data-testid=freshness]',
  titleUnknown: '[data-testid=title-unknown]',
  needsNetwork: '[data-testid=video-needs-network]',
  pageTitle: 'h1.page-title',
};

/** Paths that are the Moodle site's, never the app shell's. */
const SITE_PATH = /^\/(webservice\/|lib\/ajax\/|login\/|pluginfile\.php|tokenpluginfile\.php)/;

describe('the web app offline (service worker)', () => {
  let browser;
  let page;
  const screenshot = (label) => out.screenshot(page, label);
  // Steps depend on each other: after a failure the rest are skipped, with a screenshot.
  const step = steps(screenshot);

  /** The signed-in app shell is on screen: its navigation, not the sign-in form or an error page. */
  const assertAppOpen = async (where) => {
    assert.ok(page.url().startsWith(BASE_URL), `${where}: at ${page.url()}, not the app`);
    await page.locator(sel.historyNav).first().waitFor({ state: 'visible' });
    assert.equal(await page.locator(sel.signIn).count(), 0, `${where}: still signed in`);
    assert.ok(await page.locator(sel.signOut).count() > 0, `${where}: the signed-in top bar`);
  };

  withBrowser(out, { viewport: { width: 1280, height: 800 } }, (b) => {
    browser = b;
    page = b.page;
  });

  step('after the first visit the service worker controls the page', async () => {
    await signIn(page, USERNAME, PASSWORD);
    await page.locator(sel.courseCard).first().waitFor({ state: 'visible' });
    // The worker registers once the app has started, installs (precaches), activates and claims
    // this page: poll for it (waitForFunction re-checks on every animation frame).
    await page.waitForFunction(() => navigator.serviceWorker?.controller !== null && navigator.serviceWorker?.controller !== undefined);
    const sw = await page.evaluate(async () => ({
      script: navigator.serviceWorker.controller.scriptURL,
      state: (await navigator.serviceWorker.ready).active.state,
      caches: await caches.keys(),
    }));
    assert.equal(sw.script, `${BASE_URL}/sw.js`);
    assert.equal(sw.state, 'activated');
    assert.equal(sw.caches.length, 1, `one cache, this build's: ${sw.caches}`);
    assert.match(sw.caches[0], /^juko-shell-[0-9a-f]{16}$/);
    await screenshot('online-controlled');
  });

  step('Chromium finds the app installable (manifest, icons, service worker)', async () => {
    const cdp = await browser.context.newCDPSession(page);
    const manifest = await cdp.send('Page.getAppManifest');
    assert.equal(manifest.url, `${BASE_URL}/manifest.webmanifest`);
    assert.deepEqual(manifest.errors, [], 'the manifest parses cleanly');
    const { installabilityErrors } = await cdp.send('Page.getInstallabilityErrors');
    assert.deepEqual(installabilityErrors, [], 'installable');
    await cdp.detach();
  });

  // What the learner opened online: a course, and a lecture watched for a moment.
  let courseTitle;
  let lectureTitle;
  step('online, the learner opens a course and watches a lecture', async () => {
    await page.locator(sel.courseCard).first().click();
    await page.waitForURL(/\/courses\/\d+\/?$/);
    await page.locator(sel.lectureLink).first().waitFor({ state: 'visible' });
    courseTitle = (await page.locator(sel.pageTitle).innerText()).trim();
    assert.notEqual(courseTitle, '', 'the course has its title');
    await page.locator(sel.lectureLink).first().click();
    await page.waitForURL(/\/courses\/\d+\/lectures\/\d+\/?$/);
    const video = page.locator(sel.video);
    await video.waitFor({ state: 'visible' });
    lectureTitle = (await page.locator(`.lecture-details ${sel.pageTitle}`).innerText()).trim();
    await video.evaluate((v) => v.play().catch(() => {}));
    const t = await until(page, () => video.evaluate((v) => v.currentTime), (t) => t > 1.5);
    assert.ok(t > 1.5, `the lecture plays: currentTime ${t}`);
    await video.evaluate((v) => v.pause());
    // The pause is recorded and sent: the second browser below pulls it from the site.
    const state = await until(page, () => page.locator(sel.sync).getAttribute('data-state'), (s) => s === 'synced');
    assert.equal(state, 'synced', 'the history reached the site');
    await screenshot('online-lecture');
  });

  step('offline, a reload opens the app, still signed in', async () => {
    const fromWorker = [];
    page.on('response', (r) => fromWorker.push([new URL(r.url()).pathname, r.fromServiceWorker()]));
    await browser.context.setOffline(true);
    assert.equal(await page.evaluate(() => navigator.onLine), false, 'the browser is offline');
    await page.reload();
    await assertAppOpen('reload');
    // The page and the app's code came from the worker's cache.
    const served = Object.fromEntries(fromWorker);
    const here = new URL(page.url()).pathname;
    assert.equal(served[here], true, `the page ${here}: ${JSON.stringify(fromWorker)}`);
    const code = fromWorker.filter(([path]) => path.startsWith('/app/'));
    assert.ok(code.length >= 3, `boot.js, juko.js and the wasm: ${JSON.stringify(fromWorker)}`);
    assert.ok(code.every(([, sw]) => sw), `the app's code from the worker: ${JSON.stringify(code)}`);
    await screenshot('offline-reload');
  });

  /** The screen shows kept data with the offline notice (the site could not be reached). */
  const assertKeptOffline = async (where) => {
    const state = await until(page, () => page.locator(sel.freshness).first().getAttribute('data-state').catch(() => null), (s) => s === 'offline');
    assert.equal(state, 'offline', `${where}: the offline notice`);
    assert.equal(await page.locator('[role=alert]').count(), 0, `${where}: no error panel over kept data`);
  };

  step('offline, the lecture reloaded shows its kept details; one never played says the video needs a connection', async () => {
    assert.match(page.url(), /\/lectures\/\d+/, 'the reload kept the lecture page');
    await assertKeptOffline('lecture');
    assert.equal((await page.locator(`.lecture-details ${sel.pageTitle}`).innerText()).trim(), lectureTitle);
    await screenshot('offline-lecture');
    // The lecture played online may sit in the browser's media cache; the next one cannot.
    await page.locator('[data-testid=next-lecture]').click();
    await page.waitForURL(/\/lectures\/\d+/);
    await assertKeptOffline('next lecture');
    assert.notEqual((await page.locator(`.lecture-details ${sel.pageTitle}`).innerText()).trim(), lectureTitle);
    await page.locator(sel.needsNetwork).waitFor({ state: 'visible' });
    await screenshot('offline-next-lecture');
  });

  step('offline, the course and my courses show what was kept', async () => {
    await page.locator('.back-link').first().click();
    await page.waitForURL(/\/courses\/\d+\/?$/);
    await page.locator(sel.lectureLink).first().waitFor({ state: 'visible' });
    await assertKeptOffline('course');
    assert.equal((await page.locator(sel.pageTitle).innerText()).trim(), courseTitle);
    await screenshot('offline-course');
    await page.locator('.back-link').first().click();
    await page.locator(sel.courseCard).first().waitFor({ state: 'visible' });
    await assertKeptOffline('my courses');
    await screenshot('offline-courses');
  });

  step('offline, a deep link opens the app too, and the history shows titles', async () => {
    await page.goto(`${BASE_URL}/history`);
    await assertAppOpen('deep link');
    await page.locator(sel.historyItem).first().waitFor({ state: 'visible' });
    assert.equal(await page.locator(sel.titleUnknown).count(), 0, 'every lecture has its title');
    const rows = await page.locator(sel.historyItem).allInnerTexts();
    assert.ok(rows.some((r) => r.includes(lectureTitle)), `${lectureTitle} in ${rows}`);
    await screenshot('offline-deep-link');
  });

  step('back online, the site answers itself: nothing of it comes from the worker', async () => {
    await browser.context.setOffline(false);
    const siteAnswers = [];
    page.on('response', (r) => {
      const path = new URL(r.url()).pathname;
      if (SITE_PATH.test(path)) siteAnswers.push([path, r.fromServiceWorker()]);
    });
    await page.goto(`${BASE_URL}/`);
    await page.locator(sel.courseCard).first().waitFor({ state: 'visible' });
    const state = await until(page, () => page.locator(sel.freshness).first().getAttribute('data-state'), (s) => s === 'current');
    assert.equal(state, 'current', 'back online, my courses are brought up to date');
    assert.ok(siteAnswers.length > 0, 'the course list came from the site');
    assert.deepEqual(siteAnswers.filter(([, sw]) => sw), [], 'no web-service answer from the worker');
    const cached = await page.evaluate(async () => {
      const urls = [];
      for (const name of await caches.keys()) {
        for (const r of await (await caches.open(name)).keys()) urls.push(new URL(r.url).pathname);
      }
      return urls;
    });
    assert.deepEqual(cached.filter((p) => SITE_PATH.test(p)), [], `cached: ${cached}`);
    await screenshot('online-again');
  });

  step('a second browser that never opened a course shows titles for the history it pulled', async () => {
    const other = await openBrowser({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    try {
      const p = other.page;
      out.watch(p);
      await signIn(p, USERNAME, PASSWORD);
      await p.locator(sel.courseCard).first().waitFor({ state: 'visible' });
      await p.locator(sel.historyNav).first().click();
      // The history comes from the site's pull; the course's contents are fetched for titles.
      const rows = await until(p, () => p.locator(sel.historyItem).allInnerTexts(), (r) => r.some((t) => t.includes(lectureTitle)));
      assert.ok(rows.some((r) => r.includes(lectureTitle)), `${lectureTitle} in ${rows}`);
      const unknown = await until(p, () => p.locator(sel.titleUnknown).count(), (n) => n === 0);
      assert.equal(unknown, 0, 'no lecture without a title');
      assert.ok(rows.every((r) => !/#\d+/.test(r)), `no lecture shown as an id: ${rows}`);
      await out.screenshot(p, 'second-browser-history');
    } finally {
      await other.close();
    }
  });

  step('a new build deployed on the server is what the next visit gets, online then offline', async () => {
    // The server's own copy of dist/ (xtask passes it): "deploy" a build whose page carries a
    // marker and whose worker has a new version, as `cargo xtask web` would write them.
    const dist = process.env.JUKO_WEB_DIST;
    assert.ok(dist, 'JUKO_WEB_DIST is set (run through `cargo xtask e2e`)');
    const sw = readFileSync(join(dist, 'sw.js'), 'utf8');
    // (Minified: `version:"…"`.)
    const [line, old] = sw.match(/version:\s*"([0-9a-f]{16})"/) ?? [];
    assert.ok(old, 'sw.js carries its build version');
    const next = [...old].reverse().join('') === old ? 'f'.repeat(16) : [...old].reverse().join('');
    const index = readFileSync(join(dist, 'index.html'), 'utf8');
    // The server prefers the brotli siblings: remove them so the new files are served.
    rmSync(join(dist, 'sw.js.br'), { force: true });
    rmSync(join(dist, 'index.html.br'), { force: true });
    writeFileSync(join(dist, 'sw.js'), sw.replace(line, line.replace(old, next)));
    writeFileSync(join(dist, 'index.html'), index.replace('<head>', '<head>\n  <meta name="juko-build" content="next">'));

    const marker = () => page.locator('meta[name=juko-build]').count();
    await page.goto(`${BASE_URL}/`);
    assert.equal(await marker(), 1, 'the page comes from the server, not the old cache');
    await assertAppOpen('new build');
    // The browser checks sw.js on the visit, installs the new worker, which takes over and drops
    // the old build's cache: poll for it.
    const names = await until(
      page,
      () => page.evaluate(() => caches.keys()),
      (n) => n.length === 1 && n[0] === `juko-shell-${next}`,
    );
    assert.deepEqual(names, [`juko-shell-${next}`], 'the new build cached, the old one gone');
    await browser.context.setOffline(true);
    await page.reload();
    await assertAppOpen('new build offline');
    assert.equal(await marker(), 1, 'offline, the new build opens');
    await browser.context.setOffline(false);
    await screenshot('new-build-offline');
  });

  step('the page broke no Content-Security-Policy rule', async () => {
    assert.deepEqual(browser.cspViolations, []);
  });
});
