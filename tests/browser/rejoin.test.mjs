// Joining a facility course (施設コースに参加) on a phone (390×844), in Japanese, after
// journey.test.mjs: there the newcomer (enrolled nowhere) joined facility A (last year's code, the
// right code offline, then online). Here the newcomer signs in again: ホーム lists the facility
// course with the learner's 施設ユーザーID, the join list shows its logo; already in it, it says
// so; iCROWN, whose enrolment ended, says it takes no one, in the site's words. Run by
// `cargo xtask test` (same server as the other files; see lib.mjs), after journey.test.mjs
// (node runs the files in name order).
// No other browser test signs in as the newcomer: the journey's join is the only one.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { SEL, artifacts, assertFitsWidth, signIn, viewportOptions, withBrowser } from './lib.mjs';

const shots = artifacts('join');
const USERNAME = 'newcomer';
const PASSWORD = 'Juko-demo-4';
// Facility A (the seed's crates/demo-server/src/seed/courses.rs), as its learners know it.
const COURSE = '国立がん研究センター中央病院 施設コース（基本コース）';

const sel = {
  ...SEL,
  submit: '#join-submit',
  facilityId: '[data-testid=facility-user-id]',
};

describe('joining a facility on a phone', () => {
  let page;
  const screenshot = (name) => shots.screenshot(page, name);
  const phone = viewportOptions('phone', { locale: 'ja-JP' });
  const fitsThePhone = () => assertFitsWidth(page, phone.viewport.width);

  withBrowser(shots, phone, (b) => {
    page = b.page;
  });

  it('lists facility A on ホーム with the 施設ユーザーID, and offers the join list', { timeout: 90_000 }, async () => {
    await signIn(page, USERNAME, PASSWORD);
    const card = page.locator(sel.courseCard, { hasText: COURSE });
    await card.waitFor({ state: 'visible' });
    assert.equal(await page.locator(sel.courseCard).count(), 1, 'only facility A, from the journey');
    assert.equal(await page.locator(sel.joinCta).count(), 0, 'no empty-ホーム join button');
    const id = page.locator(sel.facilityId);
    await id.waitFor({ state: 'visible' });
    assert.match(await id.innerText(), /施設ユーザーID\s*NCCH-\d{6}/);
    await fitsThePhone();
    await screenshot('home-joined');
    await page.locator('[data-testid=nav-join]').click();
    await page.waitForURL(/\/join$/);
    const choice = page.locator(sel.joinCourse, { hasText: COURSE });
    await choice.waitFor({ state: 'visible' });
    assert.match(await choice.innerText(), /施設コース/, 'its category');
    // Its logo loads from the site (never a broken image).
    const logo = choice.locator('img.join-logo');
    await logo.waitFor({ state: 'visible' });
    await page.waitForFunction((img) => img.complete, await logo.elementHandle());
    assert.ok(await logo.evaluate((img) => img.naturalWidth > 0), 'the logo is an image, not broken');
    await fitsThePhone();
    await screenshot('join-list');
    await page.goBack(); // the join list → ホーム
    await card.waitFor({ state: 'visible' });
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
