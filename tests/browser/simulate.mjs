// Browser check of `planc simulate -o x.html`, in headless Chromium
// (Debian's /usr/bin/chromium through playwright-core). Run by
// tests/simulate.rs; by hand:
//
//   node tests/browser/simulate.mjs PATH/TO/planc OUT_DIR
//
// For the software-release sample: the page opens with every request
// blocked and shows no console or page error and attempts no request; the
// histogram has bars and its S curve, the P50 and P80 marks sit inside it,
// the tornado has bars, there is a table row per milestone; a screenshot
// is written to OUT_DIR/simulate.png (the README's picture comes from it).

import { chromium } from 'playwright-core';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..', '..');
const planc = process.argv[2];
const out = path.resolve(process.argv[3] || path.join(root, 'target', 'browser'));
if (!planc) {
  console.error('usage: node tests/browser/simulate.mjs PATH/TO/planc [OUT_DIR]');
  process.exit(2);
}
fs.mkdirSync(out, { recursive: true });
const DOC_URL = 'http://planc.invalid/simulate.html';
const failures = [];
function check(ok, what) {
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}`);
  if (!ok) failures.push(what);
}

const file = path.join(out, 'simulate.html');
execFileSync(planc, ['simulate', path.join(root, 'samples', 'software-release.plan'),
  '--iterations', '2000', '-o', file], { stdio: ['ignore', 'ignore', 'inherit'] });
const html = fs.readFileSync(file, 'utf8');

const browser = await chromium.launch({
  executablePath: process.env.PLANC_CHROMIUM || '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run'],
});
try {
  const context = await browser.newContext({ viewport: { width: 1100, height: 1000 } });
  const page = await context.newPage();
  const problems = [];
  const requests = [];
  page.on('console', (m) => { if (m.type() === 'error') problems.push(m.text()); });
  page.on('pageerror', (e) => problems.push(e.message));
  await context.route('**/*', (route) => {
    if (route.request().url() === DOC_URL) {
      return route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body: html });
    }
    requests.push(route.request().url());
    return route.abort('blockedbyclient');
  });
  await page.goto(DOC_URL);
  const facts = await page.evaluate(() => {
    const hist = document.querySelector('svg.hist');
    const box = hist ? hist.getBBox() : null;
    const marks = [...document.querySelectorAll('svg.hist .mark')].map((m) => ({
      cls: m.getAttribute('class'), x: Number(m.getAttribute('x1')),
    }));
    return {
      bins: document.querySelectorAll('svg.hist .bin').length,
      curve: (document.querySelector('svg.hist .cum')?.getAttribute('points') || '').split(' ').length,
      width: box ? box.width : 0,
      marks,
      tornado: document.querySelectorAll('svg.tornado rect').length,
      rows: document.querySelectorAll('#dates tbody tr').length,
    };
  });
  check(problems.length === 0, `no console or page error${problems.length ? ` (${problems.join(' | ')})` : ''}`);
  check(requests.length === 0, `no request attempted${requests.length ? ` (${requests.join(' ')})` : ''}`);
  check(facts.bins > 3, `the histogram has bars (${facts.bins})`);
  check(facts.curve === facts.bins + 1, 'the S curve has a point per bar');
  for (const cls of ['mark p50', 'mark p80', 'mark plan']) {
    const m = facts.marks.find((x) => x.cls === cls);
    check(m && m.x >= 0 && m.x <= 720, `the ${cls} line is on the chart`);
  }
  check(facts.tornado > 0, `the tornado has bars (${facts.tornado})`);
  // The project end and the sample's three milestones.
  check(facts.rows === 4, `a table row per milestone and the end (${facts.rows})`);
  await page.screenshot({ path: path.join(out, 'simulate.png'), clip: { x: 0, y: 0, width: 1100, height: 620 } });
} finally {
  await browser.close();
}
if (failures.length) {
  console.error(`${failures.length} browser check(s) of the simulation page failed`);
  process.exit(1);
}
