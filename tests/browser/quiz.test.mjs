// A unit's test (確認テスト) taken in the browser on a phone, as a learner takes it: open
// 臨床研究の基礎知識講座's test from the course, start, answer every question (one of them
// offline, with a reload in between: the answer must survive it), back online, check the
// summary, submit, see the result, and see the unit's test passed in the course.
// Run by `cargo xtask test` after the other browser tests (same server; see lib.mjs).
//
// The right answers are the demo server's seed data (crates/demo-server/src/seed/quizzes.rs),
// written here as a test author knows them: never read from anything the app received.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { SEL, artifacts, signIn, viewportOptions, withBrowser } from './lib.mjs';

const shots = artifacts('quiz');

// learner2 (facility B's course, which has the basic unit): no other browser test takes tests
// as this learner, so its three attempts are this file's.
const USERNAME = 'learner2';
const PASSWORD = 'Juko-demo-2';
const QUIZ_NAME = '臨床研究の基礎知識講座 確認テスト';

/**
 * The basic unit's ten questions, by a phrase of their text, with the right answer: choice
 * labels to pick, true/false, or the text to type.
 */
const ANSWERS = [
  { text: '無作為に群に割り付けて', pick: ['ランダム化比較試験'] },
  { text: '治験とは', truth: true },
  { text: '非臨床試験に含まれるもの', pick: ['動物を用いた毒性試験', '薬物動態を調べる動物試験'] },
  { text: '過去の曝露を比較する', pick: ['ケース・コントロール研究'] },
  { text: 'コホート研究では', truth: true },
  { text: '帰無仮説が正しいのに', pick: ['第1種の過誤'] },
  { text: '第三の因子', type: '交絡' },
  { text: '未知の交絡因子も', truth: true },
  { text: '説明すべき事項', pick: ['研究の目的と方法', '予測される利益と不利益', '同意をいつでも撤回できること'] },
  { text: '審査する委員会', type: '倫理審査委員会' },
];

const sel = {
  ...SEL,
  quizStatus: '[data-testid=quiz-status]',
  next: '[data-testid=next-question]',
  submit: '[data-testid=submit-attempt]',
};

describe('a unit test on a phone', () => {
  let browser;
  let page;
  const screenshot = (name) => shots.screenshot(page, name);

  /** The seeded question a question card shows, by its text. */
  const seeded = async (card) => {
    const text = await card.locator('.question-text').innerText();
    const found = ANSWERS.find((a) => text.includes(a.text));
    assert.ok(found, `a question the seed data has: ${text}`);
    return found;
  };

  /** Answers the question on screen as the seed data says is right. */
  const answer = async (card, right) => {
    if (right.pick) {
      for (const label of right.pick) {
        await card.locator('label.choice', { hasText: label }).click();
      }
    } else if (right.truth !== undefined) {
      await card.locator(`input[data-answer="${right.truth}"]`).check();
    } else {
      await card.locator('[data-testid=short-answer]').fill(right.type);
    }
  };

  /** Whether the question on screen holds the seed data's right answer. */
  const holds = async (card, right) => {
    if (right.pick) {
      for (const label of right.pick) {
        if (!(await card.locator('label.choice', { hasText: label }).locator('input').isChecked())) return false;
      }
      return true;
    }
    if (right.truth !== undefined) return card.locator(`input[data-answer="${right.truth}"]`).isChecked();
    return (await card.locator('[data-testid=short-answer]').inputValue()) === right.type;
  };

  withBrowser(shots, viewportOptions('phone'), (b) => {
    browser = b;
    page = b.page;
  });

  it('opens the unit test from the course and starts it', { timeout: 90_000 }, async () => {
    await signIn(page, USERNAME, PASSWORD);
    await page.locator(sel.courseCard).first().click();
    const link = page.locator(sel.quizLink, { hasText: QUIZ_NAME });
    await link.waitFor({ state: 'visible' });
    // Never opened on this device: no state to show yet, certainly not passed.
    assert.equal(await link.locator(sel.quizStatus).count(), 0);
    await screenshot('course');
    await link.click();
    await page.waitForURL(/\/quizzes\/\d+$/);
    await page.locator('[data-testid=quiz-state]').waitFor({ state: 'visible' });
    assert.equal(await page.locator('[data-testid=quiz-state]').getAttribute('data-status'), 'not-attempted');
    assert.match(await page.locator('[data-testid=quiz-attempts]').innerText(), /0 \/ 3/);
    await screenshot('quiz-page');
    await page.locator(sel.start).click();
    await page.waitForURL(/\/attempts\/\d+$/);
    await page.locator(sel.current).waitFor({ state: 'visible' });
    // One question per screen on a phone.
    assert.equal(await page.locator('[data-testid=question]:visible').count(), 1);
    await screenshot('attempt');
  });

  it('keeps an answer chosen offline through a reload, and takes the rest back online', { timeout: 180_000 }, async () => {
    const total = await page.locator(sel.navQuestion).count();
    assert.equal(total, ANSWERS.length);
    // The first question online, flagged to look at again.
    let card = page.locator(sel.current);
    await answer(card, await seeded(card));
    await card.locator('[data-testid=question-flag]').click();
    await page.locator(`${sel.navQuestion}.flagged`).waitFor();
    await page.locator(sel.next).click();

    // The second offline, then a reload (the app opens from the service worker and the device).
    card = page.locator(sel.current);
    const offlineSlot = await card.getAttribute('data-slot');
    const offlineRight = await seeded(card);
    await page.context().setOffline(true);
    await answer(card, offlineRight);
    await page.locator(`${sel.navQuestion}[data-slot="${offlineSlot}"].answered`).waitFor();
    await screenshot('answered-offline');
    await page.reload();
    await page.locator(`${sel.navQuestion}[data-slot="${offlineSlot}"]`).click();
    card = page.locator(sel.current);
    assert.equal(await card.getAttribute('data-slot'), offlineSlot);
    assert.ok(await holds(card, offlineRight), 'the answer chosen offline survived the reload');
    assert.ok(
      await page.locator(`${sel.navQuestion}[data-slot="${offlineSlot}"]`).evaluate((b) => b.classList.contains('answered')),
    );
    await screenshot('offline-after-reload');
    await page.context().setOffline(false);

    // The rest, one screen each.
    for (let i = 2; i < total; i += 1) {
      await page.locator(sel.next).click();
      card = page.locator(sel.current);
      await answer(card, await seeded(card));
    }
    assert.equal(await page.locator(`${sel.navQuestion}.answered`).count(), total);
    await screenshot('all-answered');
  });

  it('summarizes, submits, and shows the result and the unit passed', { timeout: 120_000 }, async () => {
    await page.locator(sel.finish).click();
    await page.waitForURL(/\/summary$/);
    await page.locator(sel.summary).waitFor({ state: 'visible' });
    assert.equal(await page.locator('[data-testid=summary-unanswered]').count(), 0, 'nothing left unanswered');
    assert.equal(await page.locator('[data-testid=summary-flagged] li').count(), 1, 'the flagged question is listed');
    assert.match(await page.locator('[data-testid=answered-count]').innerText(), /10/);
    await screenshot('summary');
    await page.locator(sel.submit).click();
    await page.locator(sel.confirm).click();
    await page.waitForURL(/\/result$/);
    const result = page.locator(sel.result);
    await result.waitFor({ state: 'visible' });
    // The site graded every answer right: passed, and one of three attempts used.
    await page.waitForFunction((s) => document.querySelector(s)?.dataset.result === 'passed', sel.result);
    await page.waitForFunction(() => document.querySelector('[data-testid=attempts-left]')?.dataset.left === '2');
    const grade = await page.locator('[data-testid=result-grade]').innerText();
    const [got, max] = grade.match(/([\d.]+) \/ ([\d.]+)/).slice(1).map(Number);
    assert.equal(got, max, `full marks: ${grade}`);
    await screenshot('result');

    await page.locator('[data-testid=result-back-to-course]').click();
    const status = page.locator(sel.quizLink, { hasText: QUIZ_NAME }).locator(sel.quizStatus);
    await status.waitFor({ state: 'visible' });
    assert.equal(await status.getAttribute('data-status'), 'passed');
    await status.scrollIntoViewIfNeeded();
    await screenshot('course-passed');
  });

  it('shows the whole list of questions on a wide screen', { timeout: 60_000 }, async () => {
    // The second of three attempts, on a desktop window: every question at once, no pager.
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.locator(sel.quizLink, { hasText: QUIZ_NAME }).click();
    await page.locator(sel.start).click();
    // Another attempt after a pass is asked about first: it uses the second of three.
    const again = page.locator('[data-testid=start-dialog]');
    await again.waitFor({ state: 'visible' });
    assert.match(await again.innerText(), /3 回中 2 回目|attempt 2 of 3/);
    await page.locator('[data-testid=start-confirm]').click();
    await page.waitForURL(/\/attempts\/\d+$/);
    await page.locator(sel.current).waitFor({ state: 'visible' });
    assert.equal(await page.locator('[data-testid=question]:visible').count(), ANSWERS.length);
    assert.equal(await page.locator(`${sel.next}:visible`).count(), 0);
    // The previous answers are not carried over: a new attempt starts blank.
    assert.equal(await page.locator(`${sel.navQuestion}.answered`).count(), 0);
    await screenshot('wide-attempt');
  });

  it('says a timed test needs the connection, and counts its time down', { timeout: 60_000 }, async () => {
    await page.locator('.back-link').first().click(); // the attempt → the test's page
    await page.waitForURL(/\/quizzes\/\d+$/);
    await page.locator('.back-link').first().click(); // → the course
    await page.waitForURL(/\/courses\/\d+$/);
    const timed = page.locator(sel.quizLink, { hasText: '研究倫理と研究公正 確認テスト' });
    await timed.click();
    await page.waitForURL(/\/quizzes\/\d+$/);
    // Said before starting (the seed: a 600-second limit, online only).
    const note = await page.locator('[data-testid=quiz-connection-note]').innerText();
    assert.match(note, /インターネット接続が必要|need the connection/);
    // Nothing starts before the learner confirms that the time runs from now.
    await page.locator(sel.start).click();
    const confirm = page.locator('[data-testid=start-dialog]');
    await confirm.waitFor({ state: 'visible' });
    const said = await confirm.innerText();
    assert.match(said, /10 分|10 min/);
    assert.match(said, /すぐに時間が計られ始め|time starts as soon as you start/);
    assert.match(said, /インターネット接続が必要|needs the connection/);
    await screenshot('timed-confirm');
    await page.locator('[data-testid=start-cancel]').click();
    assert.match(page.url(), /\/quizzes\/\d+$/, 'cancelled: nothing started');
    assert.equal(await page.locator('[data-testid=countdown]').count(), 0);
    await page.locator(sel.start).click();
    await page.locator('[data-testid=start-confirm]').click();
    await page.waitForURL(/\/attempts\/\d+$/);
    const left = Number(await page.locator('[data-testid=countdown]').getAttribute('data-left'));
    assert.ok(left > 500 && left <= 600, `time left from the site's deadline: ${left}`);
    await page.waitForFunction(
      (was) => Number(document.querySelector('[data-testid=countdown]').dataset.left) < was, left, { timeout: 5_000 },
    );
    await screenshot('timed-attempt');

    // Offline mid-test: a banner says the answers are not reaching the site, the time runs on.
    await page.context().setOffline(true);
    const banner = page.locator('[data-testid=timed-offline]');
    await banner.waitFor({ state: 'visible' });
    assert.match(await banner.innerText(), /制限時間はこのまま進みます|the time keeps running/);
    await screenshot('timed-offline');
    await page.context().setOffline(false);
    await banner.waitFor({ state: 'detached' });

    // The test's page shows the open attempt's time left.
    await page.locator('.back-link').first().click();
    await page.waitForURL(/\/quizzes\/\d+$/);
    const pageLeft = Number(await page.locator('[data-testid=countdown]').getAttribute('data-left'));
    assert.ok(pageLeft > 0 && pageLeft <= 600, `time left on the test's page: ${pageLeft}`);
  });

  it('queues a submission made offline, says so once, and sends it when back online', { timeout: 90_000 }, async () => {
    // The basic unit's second attempt (left open on the wide screen) allows offline answering.
    await page.locator('.back-link').first().click(); // the timed test's page → the course
    await page.waitForURL(/\/courses\/\d+$/);
    await page.locator(sel.quizLink, { hasText: QUIZ_NAME }).click();
    await page.locator('[data-testid=quiz-continue]').click();
    await page.waitForURL(/\/attempts\/\d+$/);
    await page.locator(sel.finish).click();
    await page.waitForURL(/\/summary$/);
    const summaryUrl = page.url();
    await page.context().setOffline(true);
    await page.locator(sel.submit).click();
    await page.locator(sel.confirm).click();
    const queued = page.locator('[data-testid=attempt-finish-queued]');
    await queued.waitFor({ state: 'visible' });
    assert.equal(await page.locator('[data-testid=submit-notice]').count(), 0, 'said once, not twice');
    assert.doesNotMatch(await page.locator(sel.submit).innerText(), /提出しています|Submitting/);
    assert.ok(await page.locator(sel.submit).isDisabled());
    await screenshot('submit-queued');

    // The test's page says it waits to be sent.
    await page.locator('.back-link').first().click();
    await page.waitForURL(/\/quizzes\/\d+$/);
    await page.locator('[data-testid=quiz-finish-queued]').waitFor({ state: 'visible' });
    await screenshot('quiz-waiting-to-send');

    // Back to the summary, and online: the open screen submits it and shows the result.
    await page.goBack();
    await page.waitForURL(summaryUrl);
    await queued.waitFor({ state: 'visible' });
    await page.context().setOffline(false);
    await page.waitForURL(/\/result$/);
    await page.locator(sel.result).waitFor({ state: 'visible' });
    await screenshot('queued-submitted');
  });

  it('the pages broke no Content-Security-Policy rule', () => {
    assert.deepEqual(browser.cspViolations, []);
  });
});
