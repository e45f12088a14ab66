// The playground of `rights serve`, as a person uses it in a browser.
//
//   node playground.mjs URL SCREENSHOT_DIR
//
// URL is a running `rights serve` of tests/data/reference.rights. In Debian's
// headless Chromium (driven by playwright-core), in the light and the dark
// colour scheme, every request that leaves URL's origin is blocked and
// recorded, and the page:
//   - answers the question of a link (`?q=…`) with its decision, a tree of
//     reasons that fold and unfold, and links to the policy's lines (one is
//     followed);
//   - answers a typed question (Enter), a question with fixes (`explain`),
//     a listing (`who can …`), and a mistake (an unknown name: an alert with
//     "did you mean");
//   - offers completions of what is typed;
//   - asks "what if" of an edited copy of the policy;
//   - has no serious or critical axe-core violation (WCAG 2 A, AA and best
//     practices), at 1280 px and at 390 px, where it does not scroll sideways.
// With PLAYGROUND_TOKEN_URL (a server started with `--token
// PLAYGROUND_TOKEN`), the page asks for the token once and then answers.
// Screenshots: SCREENSHOT_DIR/playground-{light,dark}.png and
// playground-phone.png. Exits 1 on any failure; the last line is
//   playground: N checks, F failed
import { readFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

const [base, shotDir] = process.argv.slice(2);
if (!base || !shotDir) {
  console.error('usage: node playground.mjs URL SCREENSHOT_DIR');
  process.exit(2);
}
const origin = new URL(base).origin;
mkdirSync(shotDir, { recursive: true });
const require = createRequire(import.meta.url);
const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const profile = mkdtempSync(join(tmpdir(), 'rights-playground-'));
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  env: { ...process.env, HOME: profile },
  timeout: 30_000,
});

let checks = 0;
const failures = [];
function check(ok, what) {
  checks += 1;
  if (!ok) failures.push(what);
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}`);
}

async function axeViolations(page) {
  await page.addScriptTag({ content: axeSource });
  const results = await page.evaluate(() =>
    axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'best-practice'] }, resultTypes: ['violations'] }),
  );
  return results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

async function answerText(page) {
  return (await page.locator('#answer').innerText()).trim();
}

async function ask(page, question, button = null) {
  await page.fill('#question', question);
  const before = await page.locator('#answer').innerHTML();
  if (button) await page.click(button);
  else await page.press('#question', 'Enter');
  await page.waitForFunction((b) => document.querySelector('#answer').innerHTML !== b, before);
  return answerText(page);
}

try {
  for (const scheme of ['light', 'dark']) {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, colorScheme: scheme });
    context.setDefaultTimeout(30_000);
    const page = await context.newPage();
    const outside = [];
    const errors = [];
    await page.route('**', (route) => {
      const url = route.request().url();
      if (url.startsWith(origin)) return route.continue();
      outside.push(url);
      return route.abort('blockedbyclient');
    });
    page.on('pageerror', (e) => errors.push(e.message));
    const q = 'can jane run status_detail on resource_z';
    await page.goto(`${base}/?q=${encodeURIComponent(q)}`, { waitUntil: 'load' });
    await page.waitForSelector('#answer .decision');
    check((await answerText(page)).startsWith('allow'), `[${scheme}] a link's question is answered: allow`);
    // a reason folds and unfolds from its summary (keyboard too)
    const summary = page.locator('#answer details > summary').first();
    await summary.click();
    const folded = await page.evaluate(() => !document.querySelector('#answer details').open);
    await summary.focus();
    await page.keyboard.press('Enter');
    const unfolded = await page.evaluate(() => document.querySelector('#answer details').open);
    check(folded && unfolded, `[${scheme}] a reason folds and unfolds`);
    const links = page.locator('#answer a[href^="#L-"]');
    check((await links.count()) > 0, `[${scheme}] reasons link to the policy's lines`);
    const href = await links.first().getAttribute('href');
    await links.first().click();
    const targeted = await page.evaluate((h) => {
      const el = document.getElementById(decodeURIComponent(h.slice(1)));
      return el !== null && location.hash === h;
    }, href);
    check(targeted, `[${scheme}] a reason's link leads to its line (${href})`);
    const deny = await ask(page, 'can jane run status_detail on resource_m');
    check(deny.startsWith('deny'), `[${scheme}] a typed question is answered: deny`);
    const fixes = await ask(page, 'explain can jane run status_detail on resource_m');
    check(fixes.includes('What would allow it'), `[${scheme}] explain shows what would allow it`);
    const who = await ask(page, 'who can run status_detail on resource_z');
    check(/jane/.test(who), `[${scheme}] a listing names its users`);
    const wrong = await ask(page, 'can jan run status_detail on resource_z');
    check((await page.locator('#answer [role=alert]').count()) === 1 && wrong.includes('did you mean'), `[${scheme}] a mistake is an alert with "did you mean"`);
    await page.fill('#question', 'can ja');
    await page.waitForFunction(() => [...document.querySelectorAll('#suggestions option')].some((o) => o.value === 'can jane'));
    check(true, `[${scheme}] completions are offered`);
    const original = await page.inputValue('#scratch');
    await page.fill('#scratch', original.replace('roles reporter ', 'roles status_updater '));
    const whatIf = await ask(page, 'can jane run status_detail on resource_z', '#ask-scratch');
    check(whatIf.startsWith('deny'), `[${scheme}] the edited copy answers "what if": deny`);
    check(outside.length === 0, `[${scheme}] no request leaves the server: ${outside.join(', ')}`);
    check(errors.length === 0, `[${scheme}] no script error: ${errors.join('; ')}`);
    const serious = await axeViolations(page);
    check(serious.length === 0, `[${scheme}] axe: ${serious.map((v) => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')}`).join('; ') || 'no serious or critical violation'}`);
    await page.screenshot({ path: join(shotDir, `playground-${scheme}.png`), fullPage: false });
    if (scheme === 'light') {
      await page.setViewportSize({ width: 390, height: 800 });
      await page.goto(`${base}/?q=${encodeURIComponent(q)}`, { waitUntil: 'load' });
      await page.waitForSelector('#answer .decision');
      const wide = await page.evaluate(() => document.documentElement.scrollWidth);
      check(wide <= 390, `[390 px] the page does not scroll sideways (${wide} px wide)`);
      const narrow = await axeViolations(page);
      check(narrow.length === 0, `[390 px] axe: ${narrow.map((v) => `${v.id} at ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')}`).join('; ') || 'no serious or critical violation'}`);
      await page.screenshot({ path: join(shotDir, 'playground-phone.png'), fullPage: false });
    }
    await context.close();
  }
  // a server started with a token (PLAYGROUND_TOKEN_URL, PLAYGROUND_TOKEN):
  // the page asks for it once and then answers
  const tokenUrl = process.env.PLAYGROUND_TOKEN_URL;
  if (tokenUrl) {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    context.setDefaultTimeout(30_000);
    const page = await context.newPage();
    let asked = 0;
    page.on('dialog', (d) => {
      asked += 1;
      d.accept(process.env.PLAYGROUND_TOKEN);
    });
    await page.goto(`${tokenUrl}/?q=${encodeURIComponent('can jane run status_detail on resource_z')}`, { waitUntil: 'load' });
    await page.waitForSelector('#answer .decision');
    check((await answerText(page)).startsWith('allow'), '[token] the question is answered once the token is given');
    await page.waitForFunction(() => document.querySelectorAll('#files h3').length > 0);
    check(asked === 1, `[token] the token is asked for once (${asked})`);
    await context.close();
  }
} catch (e) {
  check(false, `the check itself: ${e.message}`);
} finally {
  await browser.close();
  rmSync(profile, { recursive: true, force: true });
}
console.log(`playground: ${checks} checks, ${failures.length} failed`);
process.exit(failures.length ? 1 : 0);
