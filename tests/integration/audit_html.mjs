// Opens the audit's HTML report in headless Chromium (Debian's, driven by playwright-core), checks
// the matrix against the report's own data, clicks a gap cell, checks the detail names the fix
// and the CLI that applies it, and takes a screenshot.
//   node audit_html.mjs CHROMIUM REPORT.html SCREENSHOT.png
import { chromium } from 'playwright-core';
import { pathToFileURL } from 'node:url';

const [exe, report, shot] = process.argv.slice(2);
const browser = await chromium.launch({ executablePath: exe, args: ['--no-sandbox'] });
const fail = msg => { console.error(msg); process.exitCode = 1; };
try {
  const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
  const errors = [];
  page.on('pageerror', e => errors.push(String(e)));
  await page.goto(pathToFileURL(report).href);
  const data = JSON.parse(await page.textContent('#audit-data'));
  const tables = await page.locator('#matrix table').count();
  if (tables !== data.accounts.length) fail(`${tables} tables for ${data.accounts.length} accounts`);
  const cells = await page.locator('td.cell').count();
  if (cells !== data.cells.length) fail(`${cells} cells shown for ${data.cells.length} in the report`);
  const gaps = await page.locator('td.cell.gap').count();
  const wantGaps = data.cells.filter(c => c.state === 'gap').length;
  if (gaps !== wantGaps) fail(`${gaps} red cells for ${wantGaps} gaps`);
  const sum = await page.textContent('#sum');
  if (!sum.includes(`${data.summary.gap} GAP`)) fail(`the summary line does not count the gaps: ${sum}`);

  // prod's EventBridge cell in eu-west-1: the rule's pattern misses CloudTrail.
  const i = data.cells.findIndex(c => c.account === '222222222222' && c.region === 'eu-west-1' && c.component === 'eventbridge');
  await page.click(`td.cell[data-i="${i}"]`);
  const detail = await page.textContent('#detail');
  const gap = data.cells[i].findings.find(f => f.state === 'gap');
  if (!gap || !detail.includes(gap.fix) || !detail.includes(gap.fix_cli.slice(0, 40))) {
    fail(`the detail after a click does not show the fix: ${detail.slice(0, 300)}`);
  }
  await page.screenshot({ path: shot, fullPage: false });
  if (errors.length) fail(`script errors: ${errors.join('; ')}`);
  if (!process.exitCode) console.log(`${tables} accounts, ${cells} cells (${gaps} gaps) drawn; a click shows the fix`);
} finally {
  await browser.close();
}
