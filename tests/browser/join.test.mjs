// Joining a facility course (施設コースに参加) on a phone (390×844), in Japanese: the newcomer
// (enrolled nowhere) signs in, is offered the join screen on an empty ホーム, picks facility A,
// tries a wrong code (a message; nothing enrolled), tries the right code offline (it needs the
// connection), then online: the facility course opens, and ホーム lists it with the learner's
// 施設ユーザーID; already in it, it says so; iCROWN, whose enrolment ended, says it takes no one, in
// the site's words. Run by `cargo xtask test` (same server as the other files; see lib.mjs).
// No other browser test signs in as the newcomer: this file's join is the only one.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { VIEWPORTS, artifacts, openBrowser, signIn } from './lib.mjs';

const shots = artifacts('join');
const USERNAME = 'newcomer';
const PASSWORD = 'Juko-demo-4';
// Facility A (the seed's crates/demo-server/src/seed/courses.rs), as its learners know it.
const COURSE = '国立がん研究センター中央病院 施設コース（基本コース）';
const CODE = 'NCCH2025';

const sel = {
  joinCta: '[data-testid=join-facility]',
  joinCourse: '[data-testid=join-course]',
  code: '#facility-code',
  submit: '#join-submit',
  note: '[data-testid=join-note]',
  courseCard: '[data-testid=course-card]',
  unit: '[data-testid=unit]',
  facilityId: '[data-testid=facility-user-id]',
};

describe('joining a facility on a phone', () => {
  let browser;
  let page;
  const screenshot = (name) => shots.screenshot(page, name);
  const phone = VIEWPORTS.find((v) => v.name === 'phone');

  /** The page never gets wider than the phone. */
  const fitsThePhone = async () => {
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(width <= phone.viewport.width, `page ${width}px wide on a ${phone.viewport.width}px phone`);
  };

  before(async () => {
    const { name: _, ...options } = phone;
    browser = await openBrowser({ ...options, locale: 'ja-JP' });
    page = browser.page;
    shots.watch(page);
  });

  after(async () => {
    await browser?.close();
  });

  it('offers the join screen to a learner with no course', { timeout: 90_000 }, async () => {
    await signIn(page, USERNAME, PASSWORD);
    const cta = page.locator(sel.joinCta);
    await cta.waitFor({ state: 'visible' });
    assert.equal(await page.locator(sel.courseCard).count(), 0);
    assert.equal(await page.locator(sel.facilityId).count(), 0, 'no facility user id yet');
    await screenshot('home-empty');
    await cta.click();
    await page.waitForURL(/\/join$/);
    const choice = page.locator(sel.joinCourse, { hasText: COURSE });
    await choice.waitFor({ state: 'visible' });
    assert.match(await choice.innerText(), /施設コース/, 'its category');
    // Its logo loads from the site for a learner not in the course yet (never a broken image).
    const logo = choice.locator('img.join-logo');
    await logo.waitFor({ state: 'visible' });
    await page.waitForFunction((img) => img.complete, await logo.elementHandle());
    assert.ok(await logo.evaluate((img) => img.naturalWidth > 0), 'the logo is an image, not broken');
    await fitsThePhone();
    await screenshot('join-list');
    await choice.click();
    await page.waitForURL(/\/join\/\d+$/);
    await page.locator(sel.code).waitFor({ state: 'visible' });
    assert.match(await page.locator('.join-page').innerText(), /基本コース/);
  });

  it('says a wrong code is wrong and enrols nothing', { timeout: 60_000 }, async () => {
    await page.locator(sel.code).fill('NCCH2024');
    await page.locator(sel.submit).click();
    const note = page.locator(sel.note);
    await note.waitFor({ state: 'visible' });
    assert.equal(await note.getAttribute('data-outcome'), 'wrong-code');
    const text = await note.innerText();
    assert.match(text, /施設コードが正しくありません/);
    assert.match(text, /コースには参加していません/);
    assert.match(text, /昨年度のコード/);
    assert.match(page.url(), /\/join\/\d+$/, 'still on the code screen');
    await fitsThePhone();
    await screenshot('wrong-code');
  });

  it('says joining needs the connection when offline', { timeout: 60_000 }, async () => {
    await page.context().setOffline(true);
    await page.locator(sel.code).fill(CODE);
    await page.locator(sel.submit).click();
    await page.waitForFunction(
      (s) => document.querySelector(s)?.dataset.outcome === 'offline',
      sel.note,
    );
    assert.match(await page.locator(sel.note).innerText(), /インターネット接続が必要/);
    await screenshot('offline');
    await page.context().setOffline(false);
  });

  it('opens the facility course on the right code, and ホーム lists it', { timeout: 90_000 }, async () => {
    await page.locator(sel.code).fill(CODE);
    await page.locator(sel.submit).click();
    await page.waitForURL(/\/courses\/\d+$/);
    await page.locator(sel.unit).first().waitFor({ state: 'visible' });
    assert.match(await page.locator('h1.page-title').innerText(), /基本コース/);
    await fitsThePhone();
    await screenshot('course');
    await page.locator('.back-link').click();
    const card = page.locator(sel.courseCard, { hasText: COURSE });
    await card.waitFor({ state: 'visible' });
    assert.equal(await page.locator(sel.courseCard).count(), 1);
    const id = page.locator(sel.facilityId);
    await id.waitFor({ state: 'visible' });
    assert.match(await id.innerText(), /施設ユーザーID\s*NCCH-\d{6}/);
    await fitsThePhone();
    await screenshot('home-joined');
  });

  it('tells a learner already in the course to open it', { timeout: 60_000 }, async () => {
    await page.locator('[data-testid=nav-join]').click();
    await page.locator(sel.joinCourse, { hasText: COURSE }).click();
    const note = page.locator(sel.note);
    await note.waitFor({ state: 'visible' });
    assert.equal(await note.getAttribute('data-outcome'), 'already-joined');
    assert.equal(await page.locator(sel.code).count(), 0, 'no code to enter');
    await screenshot('already-joined');
    await page.locator('[data-testid=join-open-course]').click();
    await page.waitForURL(/\/courses\/\d+$/);
  });

  it("says iCROWN takes no learners with a code now, in the site's words", { timeout: 60_000 }, async () => {
    await page.locator('.back-link').click(); // the course → ホーム
    await page.locator('[data-testid=nav-join]').click();
    await page.locator(sel.joinCourse, { hasText: 'iCROWN' }).click();
    await page.locator(sel.code).fill('ICROWN2024');
    await page.locator(sel.submit).click();
    const note = page.locator(sel.note);
    await note.waitFor({ state: 'visible' });
    assert.equal(await note.getAttribute('data-outcome'), 'not-taking-learners');
    assert.match(await note.innerText(), /参加を受け付けていません/);
    assert.match(await note.innerText(), /enrolment ended/, "the site's reason");
    assert.equal(await page.locator(sel.code).count(), 0, 'no code to enter any more');
    await fitsThePhone();
    await screenshot('closed');
  });
});
