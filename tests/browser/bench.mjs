// Browser timing for `cargo xtask bench` (not a test: it asserts nothing, it measures).
// Times are read inside the page from performance.now(), whose origin is the navigation start, at
// the moment a MutationObserver first sees the element: no polling delay from the driver.
// Prints one line: BENCH_RESULT {json}.
import { BASE_URL, PASSWORD, USERNAME, openBrowser } from './lib.mjs';

const RUNS = Number(process.env.JUKO_BENCH_RUNS ?? 7);
const RELOADS = 3;

function marks() {
  const seen = (name, selector) => {
    if (!window[name] && document.querySelector(selector)) window[name] = performance.now();
  };
  new MutationObserver(() => {
    seen('__jukoSignIn', '#sign-in');
    seen('__jukoCourses', '[data-testid=course-card]');
  }).observe(document, { childList: true, subtree: true });
}

const result = {
  runs: RUNS,
  signInFormColdMs: [],
  signInToCoursesMs: [],
  reloadToCoursesMs: [],
  offlineReloadToCoursesMs: [],
  bytesPerScreen: [], // [screen, bytes], in the order visited
};

for (let i = 0; i < RUNS; i++) {
  // A fresh profile every run: empty HTTP cache, no stored session (a learner's first visit).
  const b = await openBrowser({ viewport: { width: 1280, height: 800 } });
  try {
    const page = b.page;
    page.setDefaultTimeout(30_000);
    await b.context.addInitScript(marks);
    await page.goto(`${BASE_URL}/`, { waitUntil: 'commit' });
    await page.locator('#sign-in').waitFor({ state: 'visible' });
    result.signInFormColdMs.push(await page.evaluate(() => window.__jukoSignIn));
    await page.locator('#username').fill(USERNAME);
    await page.locator('#password').fill(PASSWORD);
    const clickAt = await page.evaluate(() => performance.now());
    await page.locator('#sign-in').click();
    await page.locator('[data-testid=course-card]').first().waitFor({ state: 'visible' });
    result.signInToCoursesMs.push((await page.evaluate(() => window.__jukoCourses)) - clickAt);
    // Signed in: a reload goes straight to the course list (HTTP cache warm, session stored).
    for (let r = 0; r < RELOADS; r++) {
      await page.reload({ waitUntil: 'commit' });
      await page.locator('[data-testid=course-card]').first().waitFor({ state: 'visible' });
      result.reloadToCoursesMs.push(await page.evaluate(() => window.__jukoCourses));
    }
    // Offline: the service worker serves the app, the device's store the course list.
    await b.context.setOffline(true);
    for (let r = 0; r < RELOADS; r++) {
      await page.reload({ waitUntil: 'commit' });
      await page.locator('[data-testid=course-card]').first().waitFor({ state: 'visible' });
      result.offlineReloadToCoursesMs.push(await page.evaluate(() => window.__jukoCourses));
    }
    await b.context.setOffline(false);
  } finally {
    await b.close();
  }
}

// Bytes over the wire per screen, as a learner's first visit goes (one fresh profile): what the
// page downloaded between arriving at one screen and the next, headers included, the lecture's
// video stream excluded (it is the lecture, not the app).
{
  const b = await openBrowser({ viewport: { width: 390, height: 844 }, isMobile: true });
  try {
    const page = b.page;
    page.setDefaultTimeout(30_000);
    let bytes = 0;
    page.on('requestfinished', async (req) => {
      if (/\.mp4(\?|$)/.test(req.url())) return;
      const sizes = await req.sizes().catch(() => null);
      if (sizes) bytes += sizes.responseBodySize + sizes.responseHeadersSize;
    });
    const screen = async (name, arrive) => {
      bytes = 0;
      await arrive();
      await page.waitForLoadState('networkidle');
      result.bytesPerScreen.push([name, bytes]);
    };
    await screen('sign-in (first visit: the app)', async () => {
      await page.goto(`${BASE_URL}/`);
      await page.locator('#sign-in').waitFor({ state: 'visible' });
    });
    await screen('my courses (signing in)', async () => {
      await page.locator('#username').fill(USERNAME);
      await page.locator('#password').fill(PASSWORD);
      await page.locator('#sign-in').click();
      await page.locator('[data-testid=course-card]').first().waitFor({ state: 'visible' });
    });
    await screen('a course', async () => {
      await page.locator('[data-testid=course-card]').first().click();
      await page.locator('[data-testid=lecture-link]').first().waitFor({ state: 'visible' });
    });
    await screen('a lecture (without its video)', async () => {
      await page.locator('[data-testid=lecture-link]').first().click();
      await page.locator('video[data-testid=lecture-video]').waitFor({ state: 'visible' });
    });
    await screen('reload, signed in (service worker)', async () => {
      await page.goto(`${BASE_URL}/`);
      await page.locator('[data-testid=course-card]').first().waitFor({ state: 'visible' });
    });
  } finally {
    await b.close();
  }
}

console.log(`BENCH_RESULT ${JSON.stringify(result)}`);
