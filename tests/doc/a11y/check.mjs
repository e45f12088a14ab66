// Accessibility, offline and screenshot check of the static site that
// `rights doc` writes.
//
//   node check.mjs SITE_DIR SCREENSHOT_DIR
//
// Opens every SITE_DIR/*.html in Debian's headless Chromium (/usr/bin/chromium,
// driven by playwright-core, which never downloads a browser of its own) through
// a file:// URL, once with `prefers-color-scheme: light` and once with `dark`,
// and in each:
//   - runs axe-core (WCAG 2 A and AA rules plus axe's best practices) and prints
//     every violation: page, scheme, impact, rule id, help, first node's target;
//   - blocks every request that is not to a local file (file:, data:, blob:) and
//     records it: the pages must work with no network at all;
//   - records uncaught JavaScript errors of the page's inline scripts.
// Then it writes full-page screenshots of roles.html to
// SCREENSHOT_DIR/roles.png (light) and SCREENSHOT_DIR/roles-dark.png (dark),
// the first screen of every page (PAGE-top.png), and roles.html at phone
// width (roles-phone.png) and as printed (roles-print.png).
// On every page (light scheme) it also types the search words (the
// environment's SEARCH_QUERY, else `a`) and checks that results and their
// count appear, and at a 390 px wide viewport it checks that the page itself
// does not scroll sideways (WCAG reflow: wide tables scroll in their own box).
//
// Exits 1 if any violation is `serious` or `critical`, if any page asked for
// the network, if a page threw, or if roles.html is missing; 2 on a usage error.
// Moderate and minor violations are printed but do not fail. The last line is
//   a11y: N pages, S serious/critical, M moderate/minor
// where S and M count (page, colour scheme, rule) violations.

import { readFileSync, readdirSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';

const CHROMIUM = '/usr/bin/chromium';
const SCHEMES = ['light', 'dark'];
const SCREENSHOT_PAGE = 'roles.html';
const VIEWPORT = { width: 1280, height: 800 };
const PAGE_TIMEOUT_MS = 30_000;
const FAILING = new Set(['serious', 'critical']);

function usage(message) {
  console.error(`check.mjs: ${message}`);
  console.error('usage: node check.mjs SITE_DIR SCREENSHOT_DIR');
  process.exit(2);
}

const [siteArg, shotArg] = process.argv.slice(2);
if (!siteArg || !shotArg) usage('two arguments are needed');
const siteDir = resolve(siteArg);
const shotDir = resolve(shotArg);
let isDir = false;
try {
  isDir = statSync(siteDir).isDirectory();
} catch {
  // reported below
}
if (!isDir) usage(`${siteDir} is not a folder`);
const pages = readdirSync(siteDir)
  .filter((name) => name.endsWith('.html'))
  .sort();
if (pages.length === 0) usage(`${siteDir} holds no .html file`);
mkdirSync(shotDir, { recursive: true });

const require = createRequire(import.meta.url);
const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

/** True for a URL that does not leave this machine. */
function isLocal(url) {
  return url.startsWith('file:') || url.startsWith('data:') || url.startsWith('blob:');
}

/** The first node's CSS target of an axe violation, for humans. */
function firstTarget(violation) {
  const node = violation.nodes[0];
  if (!node) return '(no node)';
  const target = node.target.map((t) => (Array.isArray(t) ? t.join(' >>> ') : t)).join(' ');
  const more = violation.nodes.length > 1 ? ` (+${violation.nodes.length - 1} more)` : '';
  return `${target}${more}`;
}

// Playwright gives every launch a fresh temporary profile (--user-data-dir) of
// its own; HOME points at a fresh folder too, so nothing from an earlier run or
// from the user's own Chromium (its config, crash reports, caches) is read or
// written.
const profile = mkdtempSync(join(tmpdir(), 'rights-doc-a11y-'));
const browser = await chromium
  .launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
    env: { ...process.env, HOME: profile },
    timeout: PAGE_TIMEOUT_MS,
  })
  .catch((err) => {
    rmSync(profile, { recursive: true, force: true });
    console.error(`check.mjs: could not start ${CHROMIUM}: ${err.message}`);
    process.exit(1);
  });

let serious = 0;
let lesser = 0;
const networkRequests = new Set(); // "page [scheme] url" (Chromium may ask twice)
const pageErrors = []; // "page [scheme] message"
const searchFailures = [];
const reflowFailures = [];
const zoomFailures = [];
const SEARCH_QUERY = process.env.SEARCH_QUERY || 'a';

try {
  for (const scheme of SCHEMES) {
    // bypassCSP: a page with a strict Content-Security-Policy must still let
    // the injected axe script run; the page's own behaviour is unchanged.
    const context = await browser.newContext({
      viewport: VIEWPORT,
      deviceScaleFactor: 1,
      colorScheme: scheme,
      bypassCSP: true,
      serviceWorkers: 'block',
    });
    context.setDefaultTimeout(PAGE_TIMEOUT_MS);
    for (const name of pages) {
      const where = `${name} [${scheme}]`;
      const page = await context.newPage();
      await page.route('**', (route) => {
        const url = route.request().url();
        if (isLocal(url)) return route.continue();
        networkRequests.add(`${where} ${url}`);
        return route.abort('blockedbyclient');
      });
      // WebSockets bypass page.route; refuse them the same way.
      await page.routeWebSocket(/.*/, (ws) => {
        networkRequests.add(`${where} ${ws.url()}`);
        ws.close();
      });
      page.on('pageerror', (err) => pageErrors.push(`${where} ${err.message}`));
      await page.emulateMedia({ colorScheme: scheme });
      await page.goto(pathToFileURL(join(siteDir, name)).href, { waitUntil: 'load' });
      // let timers and late fetches of the page's scripts show themselves
      await page.waitForLoadState('networkidle').catch(() => {});

      await page.addScriptTag({ content: axeSource });
      const results = await page.evaluate(() =>
        // eslint-disable-next-line no-undef
        axe.run(document, {
          runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'best-practice'] },
          resultTypes: ['violations', 'incomplete'],
        }),
      );
      for (const v of results.violations) {
        const impact = v.impact ?? 'minor';
        if (FAILING.has(impact)) serious += 1;
        else lesser += 1;
        console.log(`${where} ${impact} ${v.id}: ${v.help} -- ${firstTarget(v)}`);
      }
      for (const v of results.incomplete) {
        console.log(`${where} review ${v.id}: ${v.help} -- ${firstTarget(v)}`);
      }

      if (scheme === 'light') {
        await page.fill('#search', SEARCH_QUERY);
        const status = (await page.textContent('#search-status')) ?? '';
        const shown = await page.locator('#search-results li').count();
        if (!/result/.test(status) || shown === 0 || shown > 20) {
          searchFailures.push(`${name}: "${SEARCH_QUERY}" gave "${status}" and ${shown} results shown`);
        }
        await page.fill('#search', '');
        // a drawn graph's zoom buttons scale it
        const zoomIn = page.locator('figure.graph button[data-zoom="1.25"]').first();
        if ((await zoomIn.count()) > 0) {
          const svg = page.locator('figure.graph svg').first();
          const before = (await svg.boundingBox())?.width ?? 0;
          await zoomIn.click();
          const after = (await svg.boundingBox())?.width ?? 0;
          if (!(after > before * 1.1)) zoomFailures.push(`${name}: zoom in took the graph from ${before} to ${after} px`);
          await page.locator('figure.graph button[data-zoom="0"]').first().click();
        }
        await page.setViewportSize({ width: 390, height: 800 });
        const wide = await page.evaluate(() => document.documentElement.scrollWidth);
        if (wide > 391) reflowFailures.push(`${name}: ${wide} px wide at a 390 px viewport`);
        // the accessibility rules again, at phone width
        const narrow = await page.evaluate(() =>
          // eslint-disable-next-line no-undef
          axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa'] }, resultTypes: ['violations'] }),
        );
        for (const v of narrow.violations) {
          const impact = v.impact ?? 'minor';
          if (FAILING.has(impact)) serious += 1;
          else lesser += 1;
          console.log(`${name} [390 px] ${impact} ${v.id}: ${v.help} -- ${firstTarget(v)}`);
        }
        await page.setViewportSize(VIEWPORT);
      }

      // every page in the light scheme, as a reader first sees it; the
      // roles page also at phone width and as printed
      if (scheme === 'light') {
        const base = name.replace(/\.html$/, '');
        await page.screenshot({ path: join(shotDir, `${base}-top.png`), animations: 'disabled' });
        if (name === SCREENSHOT_PAGE) {
          await page.setViewportSize({ width: 390, height: 844 });
          await page.screenshot({ path: join(shotDir, 'roles-phone.png'), animations: 'disabled' });
          await page.setViewportSize(VIEWPORT);
          await page.emulateMedia({ media: 'print', colorScheme: scheme });
          await page.screenshot({ path: join(shotDir, 'roles-print.png'), fullPage: true, animations: 'disabled' });
          await page.emulateMedia({ media: 'screen', colorScheme: scheme });
        }
      }

      if (name === SCREENSHOT_PAGE) {
        const file = join(shotDir, scheme === 'light' ? 'roles.png' : 'roles-dark.png');
        await page.screenshot({ path: file, fullPage: true, animations: 'disabled' });
        console.log(`screenshot: ${file}`);
      }
      await page.close();
    }
    await context.close();
  }
} finally {
  await browser.close();
  rmSync(profile, { recursive: true, force: true });
}

let failed = serious > 0;
for (const line of networkRequests) console.log(`offline: ${line} asked for the network`);
if (networkRequests.size > 0) failed = true;
for (const line of pageErrors) console.log(`script error: ${line}`);
if (pageErrors.length > 0) failed = true;
for (const line of searchFailures) console.log(`search: ${line}`);
if (searchFailures.length > 0) failed = true;
for (const line of zoomFailures) console.log(`zoom: ${line}`);
if (zoomFailures.length > 0) failed = true;
for (const line of reflowFailures) console.log(`reflow: ${line}`);
if (reflowFailures.length > 0) failed = true;
if (!pages.includes(SCREENSHOT_PAGE)) {
  console.log(`missing: ${SCREENSHOT_PAGE} is not in ${siteDir}; no screenshot taken`);
  failed = true;
}
console.log(
  `a11y: ${pages.length} pages, ${serious} serious/critical, ${lesser} moderate/minor` +
    (networkRequests.size ? `, ${networkRequests.size} network requests` : '') +
    (pageErrors.length ? `, ${pageErrors.length} script errors` : '') +
    `, search and 390 px reflow checked on every page`,
);
process.exit(failed ? 1 : 0);
