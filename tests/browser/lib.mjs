// Shared by the browser tests and the browser benchmark: how to start Debian's Chromium here, and
// what the test files all do (a browser per describe block, steps that depend on each other,
// signing in, polling, the server's own record of a lecture, the short unit's certificate).
import { after, before, it } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

/** The demo server's URL (xtask starts the server and passes it). */
export const BASE_URL = required('JUKO_URL').replace(/\/$/, '');
/** Where screenshots and logs go (xtask passes artifacts/…). */
export const ARTIFACTS = process.env.JUKO_ARTIFACTS ?? 'artifacts';
export const USERNAME = process.env.JUKO_USERNAME ?? 'learner1';
export const PASSWORD = process.env.JUKO_PASSWORD ?? 'Juko-demo-1';
const EXECUTABLE = process.env.JUKO_CHROMIUM ?? '/usr/bin/chromium';

// Flags from TOOLCHAIN.md: work as root, make no connection beyond loopback (the machine's closed
// network refuses them, noisily), and let a lecture play without a user gesture. `--headless`
// comes from Playwright itself (headless: true).
const ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
  '--autoplay-policy=no-user-gesture-required',
];

export const VIEWPORTS = [
  { name: 'phone', viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 },
  { name: 'desktop', viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1 },
];

/** `openBrowser`'s options for the viewport named `name` in VIEWPORTS, with `extra` (a locale…). */
export function viewportOptions(name, extra = {}) {
  const { name: _, ...options } = VIEWPORTS.find((v) => v.name === name);
  return { ...options, ...extra };
}

function required(name) {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set (run through \`cargo xtask test\`)`);
  return v;
}

/**
 * A browser with a fresh, empty profile (its own --user-data-dir), like a learner's first visit.
 * `cspViolations` collects what the page's Content-Security-Policy refused (Chromium reports it
 * on the console), so tests can assert the app runs under it. `close()` stops the browser and
 * removes the profile.
 */
export async function openBrowser(options) {
  const profile = mkdtempSync(join(tmpdir(), 'juko-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: EXECUTABLE,
    headless: true,
    args: ARGS,
    chromiumSandbox: false,
    ...options,
  });
  const cspViolations = [];
  context.on('console', (m) => {
    if (/Content Security Policy/i.test(m.text())) cspViolations.push(m.text());
  });
  const page = context.pages()[0] ?? (await context.newPage());
  return {
    context,
    page,
    cspViolations,
    async close() {
      await context.close().catch(() => {});
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/**
 * A fresh browser (`openBrowser(options)`) for the tests of the enclosing `describe`: opened
 * before them, its page watched by `out` (see `artifacts`), handed to `use(browser)` (which keeps
 * it in the tests' variables, and may prepare the page), and closed after them.
 */
export function withBrowser(out, options, use) {
  let browser;
  before(async () => {
    browser = await openBrowser(options);
    out.watch(browser.page);
    await use(browser);
  });
  after(async () => {
    await browser?.close();
  });
}

/**
 * The app's screen elements the browser tests look for, by their test ids (the app's own names
 * for them); a file adds its own with `{ ...SEL, … }`.
 */
export const SEL = {
  signIn: '#sign-in',
  signOut: '[data-testid=sign-out]',
  courseCard: '[data-testid=course-card]',
  unit: '[data-testid=unit]',
  lectureLink: '[data-testid=lecture-link]',
  video: 'video[data-testid=lecture-video]',
  progress: '[data-testid=lecture-progress]',
  sync: '[data-testid=sync-status]',
  historyNav: '[data-testid=nav-history]',
  historyItem: '[data-testid=history-item]',
  navNews: '[data-testid=nav-news]',
  badge: '[data-testid=unread-badge]',
  logo: '[data-testid=course-logo]',
  latest: '[data-testid=latest-news]',
  joinCta: '[data-testid=join-facility]',
  joinCourse: '[data-testid=join-course]',
  code: '#facility-code',
  note: '[data-testid=join-note]',
  quizLink: '[data-testid=quiz-link]',
  start: '[data-testid=quiz-start]',
  current: '.attempt-question.current [data-testid=question]',
  previous: '[data-testid=previous-question]',
  navQuestion: '[data-testid=nav-question]',
  finish: '[data-testid=finish-attempt]',
  summary: '[data-testid=attempt-summary]',
  confirm: '[data-testid=submit-confirm]',
  result: '[data-testid=attempt-result-panel]',
};

/** How long one step of a browser test may wait for the page. */
export const STEP_TIMEOUT_MS = 20_000;

/**
 * `step(name, fn)`: a test of a journey whose steps depend on each other. After a failed step the
 * later ones are skipped, naming it, and `shoot(label)` takes a screenshot of the failure.
 * `check`, when given, runs after each step's body: what must hold after every step.
 */
export function steps(shoot, { timeout = 90_000, check } = {}) {
  let broken = null;
  return (name, fn) =>
    it(name, { timeout }, async (t) => {
      if (broken) return t.skip(`after the failed step "${broken}"`);
      try {
        await fn();
        await check?.();
      } catch (e) {
        broken = name;
        await shoot(`FAILED-${name.replace(/\W+/g, '-')}`);
        throw e;
      }
    });
}

/** Polls `read` until `ok(value)` or the step timeout; returns the last value (to assert on). */
export async function until(page, read, ok) {
  const deadline = Date.now() + STEP_TIMEOUT_MS;
  for (;;) {
    const v = await read();
    if (ok(v) || Date.now() > deadline) return v;
    await page.waitForTimeout(100);
  }
}

/**
 * Where one test file keeps its screenshots and the page's console (ARTIFACTS/`name`).
 * `watch(page)` gives the page the step timeout and logs its console and errors there;
 * `screenshot(page, label)` numbers the shots in the order taken.
 */
export function artifacts(name) {
  const dir = join(ARTIFACTS, name);
  mkdirSync(dir, { recursive: true });
  const log = join(dir, 'console.log');
  let shot = 0;
  return {
    watch(page) {
      page.setDefaultTimeout(STEP_TIMEOUT_MS);
      page.on('console', (m) => appendFileSync(log, `console.${m.type()}: ${m.text()}\n`));
      page.on('pageerror', (e) => appendFileSync(log, `pageerror: ${e}\n`));
    },
    async screenshot(page, label) {
      shot += 1;
      await page.screenshot({ path: join(dir, `${String(shot).padStart(2, '0')}-${label}.png`) }).catch(() => {});
    },
    /** Adds a line of the test's own to the console log. */
    note(line) {
      appendFileSync(log, `${line}\n`);
    },
  };
}

/** Signs in from the app's front page, as a learner does. */
export async function signIn(page, username, password) {
  await page.goto(`${BASE_URL}/`);
  await page.locator('#username').fill(username);
  await page.locator('#password').fill(password);
  await page.locator('#sign-in').click();
}

/** The number on the お知らせ tab (0 when it shows none). */
export async function unreadNewsCount(page) {
  const badge = page.locator('[data-testid=nav-news] [data-testid=unread-badge]');
  return (await badge.count()) === 0 ? 0 : Number(await badge.first().textContent());
}

/** The page is no wider than `width` (the phone's): nothing to scroll sideways. */
export async function assertFitsWidth(page, width) {
  const scrolled = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(scrolled <= width, `page ${scrolled}px wide on a ${width}px phone`);
}

/**
 * The server's record of one lecture (`cmid`) for `user` ({ username, password }), through the
 * REST API itself, as the site keeps it (never the app's view of it).
 */
export async function serverHistory(user, cmid) {
  const form = (o) => new URLSearchParams(o).toString();
  const post = async (path, body) => {
    const r = await fetch(`${BASE_URL}/${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: form(body),
    });
    return r.json();
  };
  const { token } = await post('login/token.php', { username: user.username, password: user.password, service: 'moodle_mobile_app' });
  const answer = await post('webservice/rest/server.php?moodlewsrestformat=json', {
    wstoken: token, wsfunction: 'local_juko_get_progress', since: '', limit: '500',
  });
  assert.ok(answer.lectures, `local_juko_get_progress answered ${JSON.stringify(answer)}`);
  return answer.lectures.find((l) => l.cmid === cmid);
}

/**
 * Watches the first lecture of `unit` (a unit row's locator) to its end, muted at 2×, and goes
 * back to the course, where the unit marks it done (leaving the lecture sends what was recorded).
 */
export async function watchUnitLecture(page, unit) {
  await unit.locator(SEL.lectureLink).first().click();
  const video = page.locator(SEL.video);
  await video.waitFor({ state: 'visible' });
  await video.evaluate((v) => {
    v.muted = true;
    v.playbackRate = 2;
    return v.play().catch(() => {});
  });
  await page.waitForFunction(() => document.querySelector('video')?.ended === true);
  await page.goBack();
  await unit.locator('.done-mark').first().waitFor({ state: 'visible' });
}

/**
 * On the 修了証 screen, receives the certificate of the unit named `unitName` once the site
 * counts the unit done: its PDF opens from the app in a new tab, and the card then says valid.
 * `shoot(label)` photographs it ready.
 */
export async function receiveCertificate(page, unitName, shoot) {
  const card = page.locator('[data-testid=certificate]', { hasText: unitName });
  await page.locator('[data-testid=nav-certificates]').click();
  await card.waitFor({ state: 'visible' });
  // The lecture's completion reaches the site with the sync after the lecture: ask again
  // until the site counts it.
  while ((await card.getAttribute('data-state')) !== 'available') {
    assert.equal(await card.getAttribute('data-state'), 'locked');
    await page.reload();
    await card.waitFor({ state: 'visible' });
  }
  await shoot('certificate-ready');
  const [tab] = await Promise.all([page.context().waitForEvent('page'), card.locator('[data-testid=open-certificate]').click()]);
  assert.match(tab.url(), /^blob:/, 'the PDF from the app, in a new tab');
  await tab.close();
  await page.waitForFunction(
    (name) => [...document.querySelectorAll('[data-testid=certificate]')]
      .some((c) => c.innerText.includes(name) && c.dataset.state === 'valid'),
    unitName,
  );
}

/** The answer key of facility A's short unit's test (修了証までの流れ（ミニ講座）), as seeded. */
const MINI_TEST_ANSWERS = [
  { text: '講義をすべて視聴し', truth: true },
  { text: '有効期間', pick: '発行日から1年間' },
  { text: '検証コード', truth: true },
];

/**
 * Takes facility A's short unit's test from its unit row to the result, answering each question
 * from the seeded key, and waits until the result says passed.
 */
export async function passMiniTest(page, unit) {
  await unit.locator(SEL.quizLink).click();
  await page.locator(SEL.start).click();
  await page.waitForURL(/\/attempts\/\d+$/);
  for (let i = 0; i < MINI_TEST_ANSWERS.length; i += 1) {
    if (i > 0) await page.locator('[data-testid=next-question]').click();
    const question = page.locator(SEL.current);
    await question.waitFor({ state: 'visible' });
    const text = await question.locator('.question-text').innerText();
    const right = MINI_TEST_ANSWERS.find((a) => text.includes(a.text));
    if (!right) throw new Error(`not a seeded question: ${text}`);
    if (right.pick) await question.locator('label.choice', { hasText: right.pick }).click();
    else await question.locator(`input[data-answer="${right.truth}"]`).check();
  }
  await page.locator(SEL.finish).click();
  await page.locator('[data-testid=submit-attempt]').click();
  await page.locator(SEL.confirm).click();
  await page.waitForFunction(
    (s) => document.querySelector(s)?.dataset.result === 'passed',
    SEL.result,
  );
}
