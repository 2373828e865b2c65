// Certificates (修了証) on a phone: learner1 finishes facility A's short
// unit (watches its three-second lecture, passes its three-question test), receives the unit's
// certificate from the 修了証 screen (its PDF opens in a new tab), sees it valid for a year, and
// opens it again offline after a reload, from the copy the browser kept.
// Run by `cargo xtask test` after the quiz tests, before the offline build swap (see lib.mjs).
//
// The right answers are the demo server's seed data (crates/demo-server/src/seed/quizzes.rs,
// MINI_TEST), written here as a test author knows them.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  SEL,
  artifacts,
  assertFitsWidth,
  passMiniTest,
  receiveCertificate,
  signIn,
  viewportOptions,
  watchUnitLecture,
  withBrowser,
} from './lib.mjs';

const shots = artifacts('certificates');

const COURSE = '国立がん研究センター中央病院';
const UNIT = '修了証までの流れ（ミニ講座）';
const sel = {
  ...SEL,
  certificate: '[data-testid=certificate]',
  open: '[data-testid=open-certificate]',
};

describe('a certificate earned and opened on a phone', () => {
  let page;
  const screenshot = (name) => shots.screenshot(page, name);
  const unit = () => page.locator(sel.unit, { hasText: UNIT });
  const card = () => page.locator(sel.certificate, { hasText: UNIT });

  withBrowser(shots, viewportOptions('phone'), (b) => {
    page = b.page;
  });

  it('shows the short unit’s certificate locked, then watches its lecture', { timeout: 90_000 }, async () => {
    await signIn(page, 'learner1', 'Juko-demo-1');
    await page.locator(sel.courseCard, { hasText: COURSE }).click();
    await unit().waitFor({ state: 'visible' });
    await unit().scrollIntoViewIfNeeded();
    await screenshot('unit-locked');
    await watchUnitLecture(page, unit());
  });

  it('passes the unit’s test', { timeout: 120_000 }, async () => {
    await passMiniTest(page, unit());
    await screenshot('test-passed');
  });

  it('receives the certificate: its PDF opens, and it is valid for a year', { timeout: 90_000 }, async () => {
    await receiveCertificate(page, UNIT, screenshot);
    const issued = await card().locator('[data-testid=certificate-issued]').innerText();
    const expires = await card().locator('[data-testid=certificate-expires]').innerText();
    // 2026年11月29日 in Japanese, 29 Nov 2026 in English (the browser's language decides).
    const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
    const date = (text) => {
      const ja = text.match(/(\d{4})年(\d+)月(\d+)日/);
      if (ja) return ja.slice(1).map(Number);
      const [, d, mon, y] = text.match(/(\d+) ([A-Z][a-z]{2}) (\d{4})/);
      return [Number(y), MONTHS.indexOf(mon) + 1, Number(d)];
    };
    const [y, m, d] = date(issued);
    const [ey, em, ed] = date(expires);
    assert.deepEqual([ey, em, ed], [y + 1, m, d], `valid one year: ${issued} → ${expires}`);
    await screenshot('certificate-valid');
    // A unit not finished says what is needed in the app's words; the site's conditions stay
    // folded (closed) below it.
    const locked = page.locator(`${sel.certificate}[data-state=locked]`).first();
    const missing = (await locked.locator('[data-testid=certificate-missing]').innerText()).trim();
    assert.ok(!/Not available/.test(missing), `the app's words, not the site's: ${missing}`);
    const conditions = locked.locator('[data-testid=certificate-conditions]');
    assert.equal(await conditions.getAttribute('open'), null, 'the site\'s conditions folded');
    assert.ok(!(await conditions.locator('p').isVisible()), 'hidden until opened');
    await assertFitsWidth(page, 390);
  });

  it('opens the kept certificate offline after a reload, and the course shows it', { timeout: 90_000 }, async () => {
    await page.context().setOffline(true);
    await page.reload();
    await card().waitFor({ state: 'visible' });
    assert.equal(await card().getAttribute('data-state'), 'valid');
    const [tab] = await Promise.all([page.context().waitForEvent('page'), card().locator(sel.open).click()]);
    assert.match(tab.url(), /^blob:/);
    await tab.close();
    await screenshot('certificate-offline');
    // The course page shows the unit's certificate valid too, from what the device kept.
    await page.locator('nav .nav-item').first().click();
    await page.locator(sel.courseCard, { hasText: COURSE }).click();
    const state = unit().locator('[data-testid=certificate-state]');
    await state.waitFor({ state: 'visible' });
    assert.equal(await state.getAttribute('data-state'), 'valid');
    await state.scrollIntoViewIfNeeded();
    await screenshot('course-offline');
    // On a phone a certificate's title keeps most of its row: a long state ("Not available
    // yet") goes under it rather than squeezing it into a narrow column.
    for (const row of await page.locator('[data-testid=certificate-link]').all()) {
      const [main, whole] = [await row.locator('.lecture-main').boundingBox(), await row.boundingBox()];
      assert.ok(main.width >= 0.6 * whole.width, `a certificate's title ${main.width} px wide in a ${whole.width} px row`);
    }
    await page.context().setOffline(false);
  });
});
