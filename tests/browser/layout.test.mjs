// A phone (390×844) in Japanese and English, online and offline: the course, the test's page and
// an attempt never get wider than the screen (the top bar with the offline indicator, sign-out,
// the bottom bar), the offline indicator turns at once and counts unsent test answers, the
// question states are the app's words, and the review marks the chosen answer of every kind.
// Run last by `cargo xtask e2e` (same server; see lib.mjs): it uses one of learner1's attempts.
//
// The right answers are the demo server's seed data (crates/demo-server/src/seed/quizzes.rs), as a
// test author knows them.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { SEL, artifacts, signIn, viewportOptions, withBrowser } from './lib.mjs';

const shots = artifacts('layout');
const USERNAME = 'learner1';
const PASSWORD = 'Juko-demo-1';
const QUIZ_NAME = '臨床研究の基礎知識講座 確認テスト';
const WIDTH = 390;
const HEIGHT = 844;

const sel = {
  ...SEL,
  next: '[data-testid=next-question]',
  submit: '[data-testid=submit-attempt]',
  langSwitch: '[data-testid=lang-switch]',
};

/** WCAG contrast of two computed CSS colours (`rgb(…)`/`rgba(…)`, opaque). */
function contrast(a, b) {
  const lum = (css) => {
    const [r, g, bl] = css.match(/[\d.]+/g).slice(0, 3).map(Number).map((v) => {
      const c = v / 255;
      return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * bl;
  };
  const [hi, lo] = [lum(a), lum(b)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
}

describe('a phone in both languages, online and offline', () => {
  let browser;
  let page;
  const screenshot = (name) => shots.screenshot(page, name);

  /** Nothing past the screen's right edge: the page, the top bar's sign-out, the bottom bar. */
  const fits = async (where) => {
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(width <= WIDTH, `${where}: the page is ${width} px wide`);
    const out = await page.locator(sel.signOut).boundingBox();
    assert.ok(out && out.x >= 0 && out.x + out.width <= WIDTH, `${where}: sign-out inside: ${JSON.stringify(out)}`);
    assert.ok(await page.locator(sel.signOut).isVisible(), `${where}: sign-out visible`);
    const nav = await page.locator('nav.nav').boundingBox();
    assert.ok(
      nav && nav.x >= 0 && nav.x + nav.width <= WIDTH && nav.y + nav.height <= HEIGHT + 0.5,
      `${where}: the bottom bar whole: ${JSON.stringify(nav)}`,
    );
  };

  /** Whether `text` inside `locator`'s first text lays out on one line. */
  const oneLine = (locator, text) =>
    locator.evaluate((el, t) => {
      const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
      for (let n = walker.nextNode(); n; n = walker.nextNode()) {
        const i = n.data.indexOf(t);
        if (i < 0) continue;
        const range = document.createRange();
        range.setStart(n, i);
        range.setEnd(n, i + t.length);
        const tops = new Set([...range.getClientRects()].map((r) => Math.round(r.top)));
        return tops.size === 1;
      }
      return null;
    }, text);

  /** Goes to the question whose card matches `has` (a text, or a CSS selector inside it). */
  const goTo = async (has) => {
    const n = await page.locator(sel.navQuestion).count();
    for (let i = 0; i < n; i += 1) {
      await page.locator(sel.navQuestion).nth(i).click();
      const card = page.locator(sel.current);
      await card.waitFor({ state: 'visible' });
      const found = has.text ? (await card.innerText()).includes(has.text) : (await card.locator(has.css).count()) > 0;
      if (found) return card;
    }
    throw new Error(`no question with ${JSON.stringify(has)}`);
  };

  /** What the sync badge counts as waiting to be sent, said with what it counts; 0 when it says none. */
  const waitingCount = async () => {
    const waiting = page.locator(`${sel.sync} [data-testid=sync-waiting]`);
    if ((await waiting.count()) === 0) return 0;
    const text = await waiting.innerText();
    const n = text.match(/^(\d+) (件が送信待ち|waiting to send)$/);
    assert.ok(n, `the count says what it counts: ${text}`);
    return Number(n[1]);
  };

  withBrowser(shots, viewportOptions('phone', { locale: 'ja-JP' }), (b) => {
    browser = b;
    page = b.page;
  });

  it('the course says what its counts count and fits, in Japanese', { timeout: 90_000 }, async () => {
    await signIn(page, USERNAME, PASSWORD);
    await page.locator(sel.courseCard, { hasText: '基本コース' }).click();
    const link = page.locator(sel.quizLink, { hasText: QUIZ_NAME });
    await link.waitFor({ state: 'visible' });
    assert.match(await page.locator('[data-testid=course-tally]').innerText(), /\d+ \/ \d+ 完了（テストを含む）/);
    // The row says it is a test by its mark and state, not by repeating its type under the title.
    assert.equal(await link.locator('.lecture-main .muted').count(), 0);
    await fits('course (ja)');
    await screenshot('course-ja');
  });

  it('the test page does not say the attempts twice; the attempt says states in Japanese', { timeout: 90_000 }, async () => {
    await page.locator(sel.quizLink, { hasText: QUIZ_NAME }).click();
    await page.locator('[data-testid=quiz-attempts]').waitFor({ state: 'visible' });
    assert.equal(await page.getByText('受験可能回数').count(), 0, 'the attempts allowed are in the attempts line only');
    await fits('test page (ja)');
    await page.locator(sel.start).click();
    await page.waitForURL(/\/attempts\/\d+$/);
    await page.locator(sel.current).waitFor({ state: 'visible' });
    const status = await page.locator(`${sel.current} [data-testid=question-status]`).innerText();
    assert.equal(status, '未解答');
    for (const box of await page.locator(sel.navQuestion).evaluateAll((bs) => bs.map((b) => b.getBoundingClientRect()))) {
      assert.ok(box.width >= 44 && box.height >= 44, `question numbers are 44×44 at least: ${box.width}×${box.height}`);
    }
    await fits('attempt (ja)');
    await screenshot('attempt-ja');
  });

  it('turns offline at once, counts the unsent answer, and still fits', { timeout: 90_000 }, async () => {
    await page.context().setOffline(true);
    // At once: the browser's event, not the next failed request (the service waits a minute).
    await page.locator(`${sel.sync}[data-state=offline]`).waitFor({ timeout: 3_000 });
    const before = await waitingCount();
    // A true/false question answered offline: kept on the device, counted by the indicator.
    const card = await goTo({ css: 'input[data-answer]' });
    const slot = await card.getAttribute('data-slot');
    await card.locator('input[data-answer]').first().check();
    await page.locator(`${sel.navQuestion}[data-slot="${slot}"].answered`).waitFor();
    await page.waitForFunction(
      ([s, was]) => {
        const m = document.querySelector(`${s} [data-testid=sync-waiting]`)?.textContent.match(/^\d+/);
        return m && Number(m[0]) > was;
      },
      [sel.sync, before],
    );
    await fits('attempt offline (ja)');
    assert.ok(await page.locator(`${sel.sync} .sync-text`).isVisible(), 'the offline words are shown');
    // …with what the count counts, whole (not cut by an ellipsis), and as the badge's title.
    const waiting = page.locator(`${sel.sync} [data-testid=sync-waiting]`);
    assert.ok(await waiting.isVisible(), 'the count is shown');
    assert.ok(await waiting.evaluate((el) => el.scrollWidth <= el.clientWidth), 'the count is shown whole');
    assert.match(await page.locator(sel.sync).getAttribute('title'), /^オフライン · \d+ 件が送信待ち$/);
    await screenshot('attempt-offline-ja');
    // Signing out says the same answers are unsent, in a sheet the screen holds whole.
    await page.locator(sel.signOut).click();
    const dialog = page.locator('[data-testid=sign-out-dialog]');
    await dialog.waitFor({ state: 'visible' });
    await page.locator('[data-testid=sign-out-unsent-answers]').waitFor({ state: 'visible' });
    const sheet = await dialog.boundingBox();
    assert.ok(sheet.x >= 0 && sheet.x + sheet.width <= WIDTH && sheet.y + sheet.height <= HEIGHT, JSON.stringify(sheet));
    await page.locator('[data-testid=sign-out-cancel]').click();
    await dialog.waitFor({ state: 'detached' });
    await page.goBack(); // the test's page, offline
    await page.locator('[data-testid=quiz-overview]').waitFor({ state: 'visible' });
    await fits('test page offline (ja)');
    await page.goBack(); // the course, offline
    await page.locator(sel.quizLink).first().waitFor({ state: 'visible' });
    await fits('course offline (ja)');
    await screenshot('course-offline-ja');
  });

  it('fits in English, offline and online, with Previous/Next on one line each', { timeout: 120_000 }, async () => {
    await page.locator(sel.langSwitch).click();
    await page.locator('.app-root[lang=en]').waitFor();
    await fits('course offline (en)');
    // The test's title breaks at its space, never inside 確認テスト.
    assert.equal(await oneLine(page.locator(sel.quizLink, { hasText: QUIZ_NAME }).locator('.lecture-title'), '確認テスト'), true);
    await page.context().setOffline(false);
    await page.locator(`${sel.sync}:not([data-state=offline])`).waitFor();
    await fits('course online (en)');
    assert.match(await page.locator('[data-testid=course-tally]').innerText(), /\d+ \/ \d+ done \(incl\. tests\)/);
    await screenshot('course-en');
    await page.locator(sel.quizLink, { hasText: QUIZ_NAME }).click();
    await page.locator('[data-testid=quiz-continue]').click();
    await page.waitForURL(/\/attempts\/\d+$/);
    await page.locator(sel.navQuestion).nth(2).click();
    await page.locator(sel.current).waitFor({ state: 'visible' });
    for (const button of [sel.previous, sel.next]) {
      const { height } = await page.locator(button).boundingBox();
      // One line is the 44 px minimum; a second line makes it 51 px or more.
      assert.ok(height <= 48, `${button} does not wrap: ${height} px high`);
    }
    assert.equal(await oneLine(page.locator('.page-title'), '確認テスト'), true);
    await fits('attempt online (en)');
    await screenshot('attempt-en');
    await page.context().setOffline(true);
    await page.locator(`${sel.sync}[data-state=offline]`).waitFor({ timeout: 3_000 });
    await fits('attempt offline (en)');
    await screenshot('attempt-offline-en');
    await page.context().setOffline(false);
    await page.locator(`${sel.sync}:not([data-state=offline])`).waitFor();
  });

  it('the focus ring stands out on white (3:1 at least)', async () => {
    await page.locator(sel.navQuestion).first().focus();
    await page.keyboard.press('Tab');
    const [ring, style] = await page.evaluate(() => {
      const s = getComputedStyle(document.activeElement);
      return [s.outlineColor, s.outlineStyle];
    });
    assert.notEqual(style, 'none');
    assert.ok(contrast(ring, 'rgb(255, 255, 255)') >= 3, `focus ring ${ring}`);
  });

  it('the review marks the chosen answer of every kind, and shows what was chosen', { timeout: 120_000 }, async () => {
    // 非臨床試験に含まれるもの (several right): one right choice and one wrong one.
    const multi = await goTo({ text: '非臨床試験に含まれるもの' });
    await multi.locator('label.choice', { hasText: '動物を用いた毒性試験' }).click();
    await multi.locator('label.choice', { hasText: '第I相試験' }).click();
    // 無作為に群に割り付けて (one right): the right one.
    const single = await goTo({ text: '無作為に群に割り付けて' });
    await single.locator('label.choice', { hasText: 'ランダム化比較試験' }).click();
    await page.locator(`${sel.navQuestion}.answered`).nth(2).waitFor();
    await page.locator(sel.finish).click();
    await page.waitForURL(/\/summary$/);
    // The summary's questions are buttons that look like buttons (a border or a fill).
    const go = page.locator('[data-testid=summary-go]').first();
    const look = await go.evaluate((b) => {
      const s = getComputedStyle(b);
      return { bg: s.backgroundColor, border: s.borderTopColor, borderWidth: s.borderTopWidth };
    });
    const seen = (c) => !/rgba\(.*, 0\)$|transparent/.test(c);
    assert.ok(seen(look.bg) || (seen(look.border) && parseFloat(look.borderWidth) > 0), JSON.stringify(look));
    await fits('summary (en)');
    await page.locator(sel.submit).click();
    await page.locator(sel.confirm).click();
    await page.waitForURL(/\/result$/);
    await page.locator(sel.result).waitFor({ state: 'visible' });
    const review = page.locator('.attempt-questions.review [data-testid=question]');
    await review.first().waitFor({ state: 'visible' });
    await fits('review (en)');
    await screenshot('review-en');
    const cards = await review.evaluateAll((qs) =>
      qs.map((q) => ({
        kind: q.querySelector('input[data-answer]') ? 'truefalse' : q.querySelector('input[type=checkbox]') ? 'multi' : q.querySelector('input[type=radio]') ? 'single' : 'other',
        checked: q.querySelectorAll('input:checked').length,
        marked: [...q.querySelectorAll('label.choice')].filter((l) => l.querySelector('input:checked') && l.querySelector('[data-testid=outcome-mark]')).length,
        text: q.innerText.slice(0, 40),
      })),
    );
    for (const kind of ['truefalse', 'multi', 'single']) {
      const answered = cards.filter((c) => c.kind === kind && c.checked > 0);
      assert.ok(answered.length > 0, `an answered ${kind} question in the review: ${JSON.stringify(cards)}`);
      for (const c of answered) assert.equal(c.marked, c.checked, `every chosen answer marked: ${JSON.stringify(c)}`);
    }
    // What was chosen stands out from its row: 3:1 at least.
    const pairs = await page.locator('.attempt-questions.review input:checked').evaluateAll((inputs) =>
      inputs.map((i) => {
        let el = i.closest('label');
        let bg = getComputedStyle(el).backgroundColor;
        while (el && /rgba\(0, 0, 0, 0\)|transparent/.test(bg)) {
          el = el.parentElement;
          bg = el ? getComputedStyle(el).backgroundColor : 'rgb(255, 255, 255)';
        }
        return [getComputedStyle(i).backgroundColor, bg];
      }),
    );
    assert.ok(pairs.length > 0);
    for (const [fill, row] of pairs) {
      // Drawn by the app, opaque (a browser's own disabled input has no fill to measure).
      assert.doesNotMatch(fill, /rgba\(.*, 0\)$|transparent/, `checked input filled: ${fill}`);
      assert.ok(contrast(fill, row) >= 3, `checked ${fill} on ${row}`);
    }
  });

  it('the pages broke no Content-Security-Policy rule', () => {
    assert.deepEqual(browser.cspViolations, []);
  });
});
