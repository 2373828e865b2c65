// Shared by the browser tests and the browser benchmark: how to start Debian's Chromium here.
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

/** How long one step of a browser test may wait for the page. */
export const STEP_TIMEOUT_MS = 20_000;

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
  };
}

/** Signs in from the app's front page, as a learner does. */
export async function signIn(page, username, password) {
  await page.goto(`${BASE_URL}/`);
  await page.locator('#username').fill(username);
  await page.locator('#password').fill(password);
  await page.locator('#sign-in').click();
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
  await unit.locator('[data-testid=quiz-link]').click();
  await page.locator('[data-testid=quiz-start]').click();
  await page.waitForURL(/\/attempts\/\d+$/);
  for (let i = 0; i < MINI_TEST_ANSWERS.length; i += 1) {
    if (i > 0) await page.locator('[data-testid=next-question]').click();
    const question = page.locator('.attempt-question.current [data-testid=question]');
    await question.waitFor({ state: 'visible' });
    const text = await question.locator('.question-text').innerText();
    const right = MINI_TEST_ANSWERS.find((a) => text.includes(a.text));
    if (!right) throw new Error(`not a seeded question: ${text}`);
    if (right.pick) await question.locator('label.choice', { hasText: right.pick }).click();
    else await question.locator(`input[data-answer="${right.truth}"]`).check();
  }
  await page.locator('[data-testid=finish-attempt]').click();
  await page.locator('[data-testid=submit-attempt]').click();
  await page.locator('[data-testid=submit-confirm]').click();
  await page.waitForFunction(
    (s) => document.querySelector(s)?.dataset.result === 'passed',
    '[data-testid=attempt-result-panel]',
  );
}
