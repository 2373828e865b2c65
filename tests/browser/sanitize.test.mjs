// The site-HTML sanitiser as the web build runs it (the browser's own parser, in an inert
// document, walked with the allowlist) against ammonia's answers: the hostile table and 400
// generated inputs in fixtures/sanitize.json, written and checked by the Rust test
// `sanitize::tests::the_browser_fixture_is_ammonias_answer`. Every answer must be the same,
// byte for byte. Run by `cargo xtask test` (see lib.mjs); no sign-in needed.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { BASE_URL, artifacts, withBrowser } from './lib.mjs';

const CASES = JSON.parse(readFileSync(new URL('./fixtures/sanitize.json', import.meta.url), 'utf8'));

describe('the web sanitiser agrees with ammonia', () => {
  const art = artifacts('sanitize');
  let page;

  withBrowser(art, { viewport: { width: 390, height: 844 } }, async (b) => {
    page = b.page;
    await page.goto(`${BASE_URL}/`);
    await page.locator('#username').waitFor();
  });

  it(`gives ammonia's answer on all ${CASES.length} inputs`, { timeout: 60_000 }, async () => {
    assert.ok(CASES.length > 400, 'the table and the generated inputs');
    const answers = await page.evaluate(async (inputs) => {
      // The build's own module (already started by boot.js, so this is the same instance).
      const boot = document.querySelector('script[src$="boot.js"]').src;
      const app = await import(new URL('./juko.js', boot).href);
      return { out: inputs.map((html) => app.juko_clean_site_html(html)) };
    }, CASES.map((c) => c.input));
    const differ = CASES.map((c, i) => ({ ...c, browser: answers.out[i] })).filter((c) => c.browser !== c.output);
    assert.deepEqual(differ.slice(0, 5), [], `${differ.length} of ${CASES.length} differ`);
  });
});
