// お知らせ on a phone (390×844), as facility B's learner: the facility's course page shows its
// logo and its latest announcement at the top; opening it clears its unread marks (the course's,
// the お知らせ tab's count); reloaded offline, the app still shows it read. The hostile post is
// shown without anything active and within the screen's width. Run by `cargo xtask test` (see
// lib.mjs); learner2 is nobody else's in these tests.
import { describe } from 'node:test';
import assert from 'node:assert/strict';
import { SEL, artifacts, signIn, steps, unreadNewsCount, viewportOptions, withBrowser } from './lib.mjs';

const USER = 'learner2';
const PASSWORD = 'Juko-demo-2';
const sel = {
  ...SEL,
  page: '[data-testid=announcement-page]',
  item: '[data-testid=announcement]',
};

describe('お知らせ on a phone', () => {
  const art = artifacts('news');
  let page;
  const step = steps((label) => art.screenshot(page, label));

  const tabCount = () => unreadNewsCount(page);
  let before_ = 0;
  let subject = '';

  withBrowser(art, viewportOptions('phone', { locale: 'ja-JP' }), (b) => {
    page = b.page;
  });

  step('signs in and sees unread news on the tab and on the course', async () => {
    await signIn(page, USER, PASSWORD);
    await page.locator(sel.courseCard).first().waitFor();
    await page.waitForFunction((s) => document.querySelector(s) !== null, `${sel.navNews} ${sel.badge}`);
    before_ = await tabCount();
    assert.ok(before_ > 0, 'unread news counted on the tab');
    assert.ok((await page.locator(`${sel.courseCard} ${sel.badge}`).count()) > 0, 'unread on the course card');
    await art.screenshot(page, 'home');
  });

  step('the facility page shows its logo and latest announcement at the top', async () => {
    await page.locator(sel.courseCard).first().click();
    const logo = page.locator(sel.logo);
    await logo.waitFor();
    await page.waitForFunction((s) => document.querySelector(s)?.naturalWidth > 0, sel.logo);
    const latest = page.locator(sel.latest);
    await latest.waitFor();
    assert.match(await latest.getAttribute('class'), /unread/);
    subject = (await latest.locator('.news-subject').textContent()).trim();
    assert.ok(subject.length > 0);
    // Above the units.
    const [l, u] = await Promise.all([latest.boundingBox(), page.locator('[data-testid=unit]').first().boundingBox()]);
    assert.ok(l.y < u.y, 'the announcement is above the units');
    // The course's general section (section 0) is no numbered unit.
    const numbers = await page.locator('[data-testid=unit] .unit-number').allInnerTexts();
    assert.ok(!numbers.some((n) => /第0講座|Unit 0/.test(n)), `no unit 0: ${numbers}`);
    await art.screenshot(page, 'facility');
  });

  step('opening it shows it and clears its unread marks', async () => {
    await page.locator(sel.latest).click();
    await page.locator(sel.page).waitFor();
    assert.equal((await page.locator(`${sel.page} h1`).textContent()).trim(), subject);
    await page.waitForFunction(
      ([s, n]) => {
        const b = document.querySelector(s);
        return (b ? Number(b.textContent) : 0) < n;
      },
      [`${sel.navNews} ${sel.badge}`, before_],
    );
    await art.screenshot(page, 'announcement');
    await page.goBack();
    await page.locator(sel.latest).waitFor();
    assert.doesNotMatch(await page.locator(sel.latest).getAttribute('class'), /unread/);
  });

  step('reloaded offline, it is still read', async () => {
    await page.waitForFunction(() => !!navigator.serviceWorker?.controller);
    const count = await tabCount();
    await page.context().setOffline(true);
    await page.reload();
    await page.locator(sel.latest).waitFor();
    assert.doesNotMatch(await page.locator(sel.latest).getAttribute('class'), /unread/);
    await page.locator(sel.logo).waitFor();
    assert.equal(await tabCount(), count, 'the same count offline');
    await art.screenshot(page, 'offline');
    await page.context().setOffline(false);
  });

  step('the hostile post shows nothing active and stays within the screen', async () => {
    await page.locator(sel.navNews).click();
    const hostile = page.locator(sel.item).filter({ hasText: '不正な HTML' });
    await hostile.first().waitFor();
    await art.screenshot(page, 'news');
    await hostile.first().click();
    await page.locator(`${sel.page} .site-html`).waitFor();
    const found = await page.evaluate(() => {
      const body = document.querySelector('.site-html');
      return {
        active: body.querySelectorAll('script, iframe, object, embed, form, svg, [style], [onerror], [onclick]').length,
        jsLinks: [...body.querySelectorAll('a')].filter((a) => !/^https?:/.test(a.getAttribute('href') ?? 'https:')).length,
        outside: [...body.querySelectorAll('img')].filter((i) => (i.getAttribute('src') ?? '').includes('evil')).length,
        wider: document.documentElement.scrollWidth > window.innerWidth,
      };
    });
    assert.deepEqual(found, { active: 0, jsLinks: 0, outside: 0, wider: false });
    await art.screenshot(page, 'hostile');
  });
});
