// Drives the dashboard in headless Chromium (Debian's, through playwright-core) and checks each
// page against the JSON API it is drawn from.
//   node dashboard.mjs CHROMIUM demo URL SHOTS_DIR
//     the demo: alerts listed, filters, the detail with its event, ack reaching the outbox,
//     the three paths plotted with data, liveness, health metrics; a screenshot per page.
//   node dashboard.mjs CHROMIUM daemon URL TOKEN SHOTS_DIR
//     a daemon bound to every interface: the token is asked for, then coverage and search work.
import { chromium } from 'playwright-core';

const [exe, mode, base, ...rest] = process.argv.slice(2);
const browser = await chromium.launch({ executablePath: exe, args: ['--no-sandbox'] });
let failures = 0;
const fail = msg => { console.error(`FAIL: ${msg}`); failures++; };
const ok = msg => console.log(`ok - ${msg}`);
const check = (cond, msg) => (cond ? ok(msg) : fail(msg));

async function apiJson(page, path) {
  return page.evaluate(async p => (await fetch(p, { credentials: 'same-origin' })).json(), path);
}

async function demo(shots) {
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  const errors = [];
  page.on('pageerror', e => errors.push(String(e)));
  await page.goto(`${base}/#alerts`);
  const all = await apiJson(page, '/api/alerts?by=event&limit=500');
  check(all.alerts.length > 0, `the demo raised ${all.alerts.length} alerts`);
  await page.waitForFunction(n => document.querySelectorAll('#alert-table tbody tr').length === n, all.alerts.length);
  ok(`the Alerts page lists all ${all.alerts.length}`);
  const stop = all.alerts.find(a => a.event_name === 'StopLogging');
  check(stop, 'a StopLogging alert is among them');
  const after = (Date.parse(stop.received) - Date.parse(stop.event_time)) / 1000;
  check(stop.path === 'eventbridge' && after < 10,
    `the StopLogging alert came by the fast path ${after} s after the call (${stop.path})`);
  await page.screenshot({ path: `${shots}/dashboard-alerts.png` });

  // Filters: severity, then rule.
  const critical = all.alerts.filter(a => a.severity === 'critical').length;
  await page.selectOption('#alert-filters select[name=severity]', 'critical');
  await page.waitForFunction(n => document.querySelectorAll('#alert-table tbody tr').length === n, critical);
  const shown = await page.$$eval('#alert-table tbody tr td:nth-child(2)', tds => tds.map(t => t.textContent));
  check(shown.length === critical && shown.every(s => s === 'critical'),
    `severity=critical shows the ${critical} critical alerts only`);
  await page.selectOption('#alert-filters select[name=severity]', '');
  await page.selectOption('#alert-filters select[name=rule]', stop.rule_id);
  const ofRule = all.alerts.filter(a => a.rule_id === stop.rule_id).length;
  await page.waitForFunction(n => document.querySelectorAll('#alert-table tbody tr').length === n, ofRule);
  ok(`rule=${stop.rule_id} shows its ${ofRule} alerts`);

  // The detail: the event that raised it, the file output's delivery; ack reaches the outbox.
  await page.click(`#alert-table tbody tr[data-id="${stop.id}"]`);
  await page.waitForSelector('#alert-event');
  const event = JSON.parse(await page.textContent('#alert-event'));
  check(event.eventName === 'StopLogging' || event.record?.eventName === 'StopLogging' ||
    JSON.stringify(event).includes('"eventName":"StopLogging"'), 'the detail shows the StopLogging event');
  const deliveries = await page.$$eval('#deliveries tbody tr td:first-child', tds => tds.map(t => t.textContent));
  check(deliveries.includes('file'), `the detail lists its delivery to the file output (${deliveries})`);
  await page.screenshot({ path: `${shots}/dashboard-alert-detail.png` });
  await page.fill('#ack-note', 'planned trail maintenance');
  await page.click('#ack');
  await page.waitForFunction(() => document.querySelector('#alert-detail .state')?.textContent === 'acked');
  const acked = await apiJson(page, `/api/alerts/${stop.id}`);
  check(acked.alert.state === 'acked' && acked.alert.acked, 'Ack changed the alert to acked in the outbox');
  check(acked.alert.ack_note === 'planned trail maintenance', `the ack keeps its note (${acked.alert.ack_note})`);
  await page.selectOption('#alert-filters select[name=rule]', '');
  await page.selectOption('#alert-filters select[name=state]', 'acked');
  await page.waitForFunction(() => document.querySelectorAll('#alert-table tbody tr').length === 1);
  ok('state=acked lists exactly the acked alert');

  // Paths: three plots with a series per path, and liveness.
  await page.goto(`${base}/#paths`);
  await page.waitForSelector('#plot-delay .uplot');
  const paths = await apiJson(page, '/api/paths');
  const names = paths.timeline.keys.map(k => k.path).sort();
  check(JSON.stringify(names) === JSON.stringify(['cloudwatch_logs', 'eventbridge', 's3']),
    `the timeline has the three paths (${names})`);
  for (const id of ['plot-delay', 'plot-lag', 'plot-events']) {
    const canvas = await page.$(`#${id} canvas`);
    check(canvas, `${id} is drawn`);
    const legend = await page.$$eval(`#${id} .u-legend .u-series .u-label`, ls => ls.map(l => l.textContent));
    const painted = await page.$eval(`#${id} canvas`, c => {
      const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
      let n = 0;
      for (let i = 3; i < d.length; i += 4) if (d[i] > 0) n++;
      return n;
    });
    check(painted > 500, `${id} has ${painted} painted pixels; legend ${legend.join(', ')}`);
  }
  const eb = paths.timeline.keys.find(k => k.path === 'eventbridge');
  const s3 = paths.timeline.keys.find(k => k.path === 's3');
  const median = a => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];
  check(median(eb.delay_p90_s) < 10 && median(s3.delay_p90_s) > 60,
    `EventBridge delivers in seconds (median p90 ${median(eb.delay_p90_s)} s), S3 in minutes (${median(s3.delay_p90_s)} s)`);
  check(s3.duplicates > 0 && eb.duplicates === 0, `S3 brought ${s3.duplicates} duplicates, EventBridge none`);
  const live = await page.$$eval('#liveness tbody tr', trs => trs.length);
  check(live === 3, `liveness lists the ${live} paths`);
  const cards = await page.$$eval('#path-summary .card', cs => cs.map(c => c.textContent));
  check(cards.some(c => c.includes('dropped as duplicates')), 'the summary counts duplicates per path');
  await page.screenshot({ path: `${shots}/dashboard-paths.png`, fullPage: true });

  // Health: the pipeline's counters as tables.
  await page.goto(`${base}/#health`);
  await page.waitForSelector('[data-metric="fastpath_duplicates_total"] tbody tr');
  const metrics = await page.$$eval('#health-metrics .metric', ms => ms.length);
  check(metrics > 5, `the Health page shows ${metrics} metric families`);
  const stageRows = await page.$$eval('#stages tbody tr td:first-child', tds => tds.map(t => t.textContent));
  check(['source', 'decode', 'parse', 'dedupe', 'detect', 'sink'].every(s => stageRows.includes(s)),
    `the stage table has every stage (${stageRows})`);
  const glance = await page.textContent('#glance');
  check(glance.includes('outbox pending') && glance.includes('inputs queued'),
    `at a glance: ${glance.replace(/\s+/g, ' ').slice(0, 200)}`);
  await page.screenshot({ path: `${shots}/dashboard-health.png` });

  // Coverage without an audit says how to get one.
  await page.goto(`${base}/#coverage`);
  await page.waitForFunction(() => document.querySelector('#coverage-summary').textContent.includes('fastpath audit'));
  ok('Coverage without a report says how to make one');
  check(errors.length === 0, `no script errors (${errors.join('; ')})`);
}

async function daemon(token, shots) {
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  const errors = [];
  page.on('pageerror', e => errors.push(String(e)));
  const first = await page.goto(`${base}/`);
  check(first.status() === 401 && (await page.$('#token')), 'without the token: 401 and a token form');
  const api = await page.evaluate(async () => (await fetch('/api/alerts')).status);
  check(api === 401, 'the API answers 401 without the token');
  await page.fill('#token', 'not-the-token-at-all');
  await page.click('button[type=submit]');
  check(await page.$('#token'), 'a wrong token is refused');
  await page.fill('#token', token);
  await page.click('button[type=submit]');
  await page.waitForSelector('nav');
  check(!page.url().includes('token='), `the token leaves the address bar (${page.url()})`);
  const cookies = await page.context().cookies();
  check(cookies.some(c => c.name === 'fastpath_session' && c.httpOnly && c.value !== token),
    'a session cookie (HttpOnly, not the token) replaces it');

  // Coverage: the audit report's matrix.
  await page.goto(`${base}/#coverage`);
  await page.waitForSelector('#coverage-matrix table');
  const cov = await apiJson(page, '/api/coverage');
  const cells = await page.$$eval('td.cell', tds => tds.length);
  const gaps = await page.$$eval('td.cell.gap', tds => tds.length);
  check(cov.available && cells === cov.report.cells.length, `the matrix draws all ${cells} cells`);
  check(gaps === cov.report.cells.filter(c => c.state === 'gap').length, `${gaps} gaps in red`);
  await page.click('td.cell.gap');
  const detail = await page.textContent('#coverage-detail');
  check(detail.includes('fix'), 'a gap cell shows its fix');
  await page.screenshot({ path: `${shots}/dashboard-coverage.png` });

  // Search: the lake the daemon writes.
  await page.goto(`${base}/#search`);
  await page.fill('#search-form input[name=where]', 'eventName=StopLogging');
  await page.click('#search-form button');
  await page.waitForFunction(() => /event\(s\)/.test(document.querySelector('#search-count').textContent));
  const rows = await page.$$eval('#search-results tbody tr td:nth-child(6)', tds => tds.map(t => t.textContent));
  check(rows.length > 0 && rows.every(r => r.includes('StopLogging')),
    `search eventName=StopLogging finds ${rows.length} event(s), all StopLogging`);
  await page.screenshot({ path: `${shots}/dashboard-search.png` });

  // Health lists the daemon's source.
  await page.goto(`${base}/#health`);
  await page.waitForSelector('#health-sources tbody tr');
  const sources = await page.$$eval('#health-sources tbody tr td:first-child', tds => tds.map(t => t.textContent));
  check(sources.includes('firehose'), `Health lists the source (${sources})`);
  check(errors.length === 0, `no script errors (${errors.join('; ')})`);
}

try {
  if (mode === 'demo') await demo(rest[0]);
  else await daemon(rest[0], rest[1]);
} finally {
  await browser.close();
}
process.exitCode = failures ? 1 : 0;
