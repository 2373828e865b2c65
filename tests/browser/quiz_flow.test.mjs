// A test taken in order (sequential navigation) on a phone, to the end: the iCROWN unit's
// three questions one after the other, never back; one answer chosen offline and sent by the
// open screen as soon as the connection returns, which a second device (a fresh browser
// profile, nothing kept) then sees on the site when it opens the same attempt's link.
// Run by `cargo xtask test` after quiz.test.mjs (same server; see lib.mjs).
//
// The right answers are the demo server's seed data (crates/demo-server/src/seed/quizzes.rs),
// written here as a test author knows them: never read from anything the app received.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { SEL, artifacts, openBrowser, signIn, viewportOptions, withBrowser } from './lib.mjs';

const shots = artifacts('quiz-flow');

// learner1 has the iCROWN course; no other browser test takes its tests.
const USERNAME = 'learner1';
const PASSWORD = 'Juko-demo-1';
const COURSE = 'iCROWN';
const QUIZ_NAME = 'iCROWN事業の背景と目的 確認テスト';
const SECOND = '有事に迅速に臨床研究を開始するため';
const SECOND_RIGHT = '研究計画書の雛形と施設間の連絡体制';
const THIRD_RIGHT = 'インフォームド・コンセント';

const sel = {
  ...SEL,
  next: '[data-testid=next-question]',
  nav: '[data-testid=nav-question]',
  submit: '[data-testid=submit-attempt]',
};

describe('a sequential test on a phone', () => {
  const options = viewportOptions('phone');
  let browser;
  let page;
  let attemptUrl;
  const screenshot = (name) => shots.screenshot(page, name);

  withBrowser(shots, options, (b) => {
    browser = b;
    page = b.page;
  });

  /** The slot of the question on screen, once it is `slot`. */
  const onScreen = async (slot) => {
    await page.locator(`${sel.current}[data-slot="${slot}"]`).waitFor({ state: 'visible' });
  };

  it('starts with every question counted and those not reached shown as such', { timeout: 90_000 }, async () => {
    await signIn(page, USERNAME, PASSWORD);
    await page.locator(sel.courseCard, { hasText: COURSE }).click();
    await page.locator(sel.quizLink, { hasText: QUIZ_NAME }).click();
    await page.waitForURL(/\/quizzes\/\d+$/);
    // A first, untimed attempt starts without a question.
    await page.locator(sel.start).click();
    await page.waitForURL(/\/attempts\/\d+$/);
    attemptUrl = page.url();
    await onScreen(1);
    assert.equal(await page.locator(sel.nav).count(), 3, 'all three questions are numbered');
    assert.equal(await page.locator(`${sel.nav}[data-ahead=true]`).count(), 2, 'two not reached yet');
    assert.ok(await page.locator(`${sel.nav}[data-slot="3"]`).isDisabled());
    assert.equal(await page.locator(sel.previous).count(), 0);
    await screenshot('first-question');
  });

  it('moves on page by page, never back', { timeout: 60_000 }, async () => {
    await page.locator(sel.current).locator('input[data-answer="true"]').check();
    await page.locator(sel.next).click();
    await onScreen(2);
    assert.match(await page.locator(sel.current).innerText(), new RegExp(SECOND));
    assert.equal(await page.locator(sel.previous).count(), 0, 'no going back');
    assert.equal(await page.locator(`${sel.nav}[data-ahead=true]`).count(), 1);
    await screenshot('second-question');
  });

  it('sends an answer chosen offline when the connection returns, the screen open', { timeout: 90_000 }, async () => {
    await page.context().setOffline(true);
    const card = page.locator(sel.current);
    await card.locator('label.choice', { hasText: SECOND_RIGHT }).click();
    await page.locator(`${sel.nav}[data-slot="2"].answered`).waitFor();
    // Offline, the answer waits on the device, and says so.
    const status = card.locator('[data-testid=question-status]');
    const keptHere = await status.innerText();
    assert.ok(keptHere.length > 0, 'the question says where its answer is');
    await screenshot('answered-offline');
    await page.context().setOffline(false);
    // Back online: the open screen sends it (no reload, no navigation).
    await page.waitForFunction(
      (was) => document.querySelector('.attempt-question.current [data-testid=question-status]')?.innerText !== was,
      keptHere,
    );
    await screenshot('sent-on-reconnect');

    // A second device with nothing kept opens the attempt's link: from the site, online,
    // with the answer the site took.
    const other = await openBrowser(options);
    try {
      shots.watch(other.page);
      await signIn(other.page, USERNAME, PASSWORD);
      await other.page.locator(sel.courseCard).first().waitFor({ state: 'visible' });
      await other.page.goto(attemptUrl);
      const there = other.page.locator(`${sel.current}[data-slot="2"]`);
      await there.waitFor({ state: 'visible' });
      assert.equal(await other.page.getByText(/この端末に保存されていません|not saved on this device/).count(), 0);
      const chosen = there.locator('label.choice', { hasText: SECOND_RIGHT }).locator('input');
      assert.ok(await chosen.isChecked(), 'the site has the answer chosen offline');
      await shots.screenshot(other.page, 'second-device');
    } finally {
      await other.close();
    }
  });

  it('takes the last question and submits out of three', { timeout: 120_000 }, async () => {
    await page.locator(sel.next).click();
    await onScreen(3);
    assert.equal(await page.locator(`${sel.nav}[data-ahead=true]`).count(), 0);
    assert.equal(await page.locator(`${sel.next}`).count(), 0, 'the last page');
    await page.locator(sel.current).locator('[data-testid=short-answer]').fill(THIRD_RIGHT);
    await page.locator(`${sel.nav}[data-slot="3"].answered`).waitFor();
    await page.locator(sel.finish).click();
    await page.waitForURL(/\/summary$/);
    await page.locator(sel.summary).waitFor({ state: 'visible' });
    assert.match(await page.locator('[data-testid=answered-count]').innerText(), /3 問中 3 問解答|3 \/ 3/);
    assert.equal(await page.locator('[data-testid=summary-not-reached]').count(), 0);
    await screenshot('summary');
    await page.locator(sel.submit).click();
    await page.locator(sel.confirm).click();
    await page.waitForURL(/\/result$/);
    await page.waitForFunction((s) => document.querySelector(s)?.dataset.result === 'passed', sel.result);
    const grade = await page.locator('[data-testid=result-grade]').innerText();
    const [got, max] = grade.match(/([\d.]+) \/ ([\d.]+)/).slice(1).map(Number);
    assert.equal(got, max, `every answer right, the offline one included: ${grade}`);
    await screenshot('result');
  });

  it('asks before another attempt, saying which of those allowed it uses', { timeout: 60_000 }, async () => {
    await page.locator('.back-link').first().click();
    await page.waitForURL(/\/quizzes\/\d+$/);
    const start = page.locator(sel.start);
    await start.waitFor({ state: 'visible' });
    assert.ok(await start.evaluate((b) => b.classList.contains('secondary')), 'not the main action after a pass');
    await start.click();
    const dialog = page.locator('[data-testid=start-dialog]');
    await dialog.waitFor({ state: 'visible' });
    assert.match(await dialog.innerText(), /2 回目|attempt 2/);
    await screenshot('start-again-dialog');
    await page.locator('[data-testid=start-cancel]').click();
    assert.equal(await dialog.count(), 0);
    assert.match(page.url(), /\/quizzes\/\d+$/, 'nothing started');
  });

  it('the pages broke no Content-Security-Policy rule', () => {
    assert.deepEqual(browser.cspViolations, []);
  });
});
