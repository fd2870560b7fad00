// fastpath's dashboard: one page per view, each drawn from the JSON API under /api/.
'use strict';

const $ = (sel, root = document) => root.querySelector(sel);
const el = (tag, attrs = {}, ...children) => {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === 'class') e.className = v;
    else if (k === 'text') e.textContent = v;
    else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
    else e.setAttribute(k, v);
  }
  for (const c of children) e.append(c instanceof Node ? c : document.createTextNode(String(c ?? '')));
  return e;
};

async function api(path, options = {}) {
  const res = await fetch(path, { credentials: 'same-origin', ...options });
  const body = await res.json().catch(() => ({ error: `${res.status} ${res.statusText}` }));
  if (!res.ok) throw new Error(body.error || `${res.status} ${res.statusText}`);
  return body;
}

function badge(kind, value) {
  return el('span', { class: `${kind} ${kind}-${value}`, text: value || '-' });
}

function seconds(s) {
  if (s == null) return '-';
  if (s < 1) return `${Math.round(s * 1000)}ms`;
  if (s < 120) return `${s.toFixed(1)}s`;
  if (s < 7200) return `${Math.floor(s / 60)}m${String(Math.round(s % 60)).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.round((s % 3600) / 60)).padStart(2, '0')}m`;
}

function fillSelect(select, values, keepAny = true) {
  const current = select.value;
  select.replaceChildren();
  if (keepAny) select.append(el('option', { value: '', text: 'any' }));
  for (const v of values) select.append(el('option', { value: v, text: v }));
  if ([...select.options].some(o => o.value === current)) select.value = current;
}

function showError(where, err) {
  where.replaceChildren(el('p', { class: 'error', text: String(err.message || err) }));
}

// ---- Alerts ----------------------------------------------------------------------------------

let selectedAlert = null;

async function loadAlerts() {
  const form = $('#alert-filters');
  const params = new URLSearchParams({ by: 'event', limit: '500' });
  for (const name of ['rule', 'severity', 'state', 'account', 'since', 'until']) {
    const v = form.elements[name].value.trim();
    if (v) params.set(name, v);
  }
  const tbody = $('#alert-table tbody');
  let data;
  try {
    data = await api(`/api/alerts?${params}`);
  } catch (err) {
    $('#alert-count').textContent = String(err.message);
    tbody.replaceChildren();
    return;
  }
  for (const name of ['rule', 'severity', 'state', 'account']) {
    fillSelect(form.elements[name], data.facets[name]);
  }
  $('#alert-count').textContent =
    `${data.alerts.length} alert${data.alerts.length === 1 ? '' : 's'}` +
    (data.alerts.length === 500 ? ' (the newest 500; narrow the filters)' : '');
  const sorted = [...data.alerts].sort((a, b) => (a.event_time < b.event_time ? 1 : -1));
  tbody.replaceChildren(...sorted.map(a => {
    const tr = el('tr', { 'data-id': a.id, onclick: () => showAlert(a.id) },
      el('td', { text: a.event_time }), el('td', {}, badge('sev', a.severity)),
      el('td', { text: a.title || a.rule_id }), el('td', { text: a.event_name }),
      el('td', { text: a.account }), el('td', { text: a.region }),
      el('td', { text: a.principal, title: a.principal }), el('td', { text: a.path }),
      el('td', { text: a.received ? seconds((Date.parse(a.received) - Date.parse(a.event_time)) / 1000) : '-' }),
      el('td', {}, badge('state', a.state)));
    if (a.id === selectedAlert) tr.classList.add('selected');
    return tr;
  }));
}

async function alertAction(id, what) {
  const body = new URLSearchParams();
  if (what === 'ack') body.set('note', ($('#ack-note') || {}).value || '');
  await api(`/api/alerts/${encodeURIComponent(id)}/${what}`,
    { method: 'POST', headers: { 'X-Fastpath-Action': '1' }, body });
  await showAlert(id);
  await loadAlerts();
}

async function showAlert(id) {
  selectedAlert = id;
  for (const tr of document.querySelectorAll('#alert-table tbody tr')) {
    tr.classList.toggle('selected', tr.dataset.id === id);
  }
  const aside = $('#alert-detail');
  aside.hidden = false;
  aside.parentElement.classList.add('with-detail');
  let d;
  try {
    d = await api(`/api/alerts/${encodeURIComponent(id)}`);
  } catch (err) {
    showError(aside, err);
    return;
  }
  const a = d.alert;
  const dl = el('dl');
  const add = (k, v) => dl.append(el('dt', { text: k }), el('dd', {}, v instanceof Node ? v : String(v || '-')));
  add('alert', a.id);
  add('rule', a.rule_id);
  add('severity', badge('sev', a.severity));
  add('state', badge('state', a.state));
  add('event', `${a.event_name} (${a.event_id})`);
  add('event time', a.event_time);
  if (d.line && d.line.received) {
    const after = (Date.parse(d.line.received) - Date.parse(a.event_time)) / 1000;
    add('first arrival', `${d.line.received} by ${d.line.path}: ${seconds(after)} after the event`);
  }
  add('alerted', a.created);
  add('principal', a.principal);
  add('source IP', a.source_ip);
  add('account / region', `${a.account} / ${a.region}`);
  add('matches', a.matches);
  if (a.acked) add('acked', a.ack_note ? `${a.acked}: ${a.ack_note}` : a.acked);
  if (a.runbook) add('runbook', a.runbook);
  const deliveries = el('table', { class: 'list', id: 'deliveries' },
    el('thead', {}, el('tr', {}, ...['output', 'state', 'attempts', 'delivered', 'next attempt', 'last error']
      .map(h => el('th', { text: h })))),
    el('tbody', {}, ...d.deliveries.map(x => el('tr', {},
      el('td', { text: x.output }), el('td', {}, badge('state', x.state)), el('td', { text: x.attempts }),
      el('td', { text: x.delivered || '-' }), el('td', { text: x.next_attempt || '-' }),
      el('td', { text: x.last_error || '' })))));
  const event = d.line && d.line.event ? d.line.event : d.line;
  aside.replaceChildren(
    el('h3', { text: a.title || a.rule_id }), dl,
    el('div', {},
      a.acked ? '' : el('input', { id: 'ack-note', type: 'text', placeholder: 'note (why)', maxlength: '4096' }), ' ',
      el('button', { id: 'ack', onclick: () => alertAction(id, 'ack'), text: 'Ack' }), ' ',
      el('button', { id: 'retry', onclick: () => alertAction(id, 'retry'), text: 'Retry deliveries' })),
    el('h3', { text: 'Deliveries' }),
    d.deliveries.length ? deliveries : el('p', { class: 'muted', text: 'no outputs' }),
    el('h3', { text: 'The event that raised it' }),
    el('pre', { id: 'alert-event', text: JSON.stringify(event, null, 2) }));
}

// ---- Paths -----------------------------------------------------------------------------------

const pathColors = { eventbridge: '#1f77b4', cloudwatch_logs: '#2ca02c', firehose: '#9467bd', s3: '#d62728' };
let plots = [];

function drawPlot(container, title, keys, field, yLabel) {
  const times = [...new Set(keys.flatMap(k => k.minutes))].sort((a, b) => a - b);
  if (!times.length) {
    container.replaceChildren(el('p', { class: 'muted', text: 'no data yet' }));
    return;
  }
  const index = new Map(times.map((t, i) => [t, i]));
  const series = [{}];
  const data = [times];
  for (const k of keys) {
    const values = new Array(times.length).fill(null);
    k.minutes.forEach((t, i) => { values[index.get(t)] = k[field][i]; });
    if (values.every(v => v == null)) continue;
    data.push(values);
    series.push({
      label: `${k.path}${keys.some(o => o !== k && o.path === k.path) ? ` ${k.account} ${k.region}` : ''}`,
      stroke: pathColors[k.path] || '#555', width: 2, points: { show: true, size: 4 },
      spanGaps: true,
    });
  }
  container.replaceChildren();
  if (data.length === 1) {
    container.append(el('p', { class: 'muted', text: 'no data for this plot' }));
    return;
  }
  const width = Math.max(400, container.clientWidth || 900);
  plots.push(new uPlot({
    title, width, height: 220, series,
    scales: { x: { time: true } },
    axes: [{}, { label: yLabel, size: 60 }],
  }, data, container));
}

async function loadPaths() {
  const form = $('#path-filters');
  let data;
  try {
    data = await api('/api/paths');
  } catch (err) {
    showError($('#path-summary'), err);
    return;
  }
  const keys = data.timeline.keys;
  const pick = name => [...new Set(keys.map(k => k[name]))].sort();
  for (const name of ['log_type', 'account', 'region']) fillSelect(form.elements[name], pick(name));
  const f = name => form.elements[name].value;
  const shown = keys.filter(k => (!f('log_type') || k.log_type === f('log_type')) &&
    (!f('account') || k.account === f('account')) && (!f('region') || k.region === f('region')));
  for (const p of plots) p.destroy();
  plots = [];
  const byPath = {};
  for (const k of shown) {
    const t = (byPath[k.path] ||= { events: 0, duplicates: 0 });
    t.events += k.events;
    t.duplicates += k.duplicates;
  }
  $('#path-summary').replaceChildren(el('div', { class: 'cards' },
    ...Object.entries(byPath).map(([path, t]) => el('div', { class: 'card', 'data-path': path },
      el('b', { text: path }), `${t.events} events, ${t.duplicates} dropped as duplicates`))));
  const stat = f('stat') || 'p90';
  drawPlot($('#plot-delay'), `delay ${stat} by path`, shown, `delay_${stat}_s`, 'seconds');
  drawPlot($('#plot-lag'), 'lag of later copies behind the first (p50)', shown, 'lag_p50_s', 'seconds');
  drawPlot($('#plot-events'), 'events per minute by path', shown, 'events_per_minute', 'events');
  const live = data.liveness.filter(l => (!f('log_type') || l.log_type === f('log_type')) &&
    (!f('account') || l.account === f('account')) && (!f('region') || l.region === f('region')));
  $('#liveness tbody').replaceChildren(...live.map(l => el('tr', {},
    el('td', { text: l.log_type }), el('td', { text: l.account }), el('td', { text: l.region }),
    el('td', { text: l.path }), el('td', { text: l.last_received }),
    el('td', { text: seconds(l.quiet_seconds) }), el('td', { text: seconds(l.threshold_seconds) }),
    el('td', {}, badge('state', l.silent ? 'silent' : 'live')))));
}

// ---- Coverage --------------------------------------------------------------------------------

async function loadCoverage() {
  let data;
  try {
    data = await api('/api/coverage');
  } catch (err) {
    showError($('#coverage-matrix'), err);
    return;
  }
  if (!data.available) {
    $('#coverage-summary').textContent = data.reason;
    $('#coverage-matrix').replaceChildren();
    return;
  }
  const r = data.report;
  const s = r.summary || {};
  $('#coverage-summary').textContent =
    `audit of ${r.accounts.length} account(s) x ${r.regions.length} region(s): ` +
    `${s.ok || 0} OK, ${s.gap || 0} GAP, ${s.silent || 0} SILENT, ${s.unknown || 0} UNKNOWN (${data.file})`;
  const matrix = $('#coverage-matrix');
  matrix.replaceChildren();
  // Components are columns; global ones (one cell per account) have a row of their own.
  const components = r.components.map(c => (typeof c === 'string' ? { name: c, title: c } : c));
  const regions = [...r.regions];
  if (r.cells.some(c => c.region === 'global')) regions.push('global');
  for (const account of r.accounts) {
    const table = el('table', { class: 'matrix', 'data-account': account.id },
      el('caption', { text: `${account.id} ${account.name || ''}` }),
      el('tr', {}, el('th', { text: 'region' }),
        ...components.map(c => el('th', { text: c.title || c.name, title: c.why || '' }))));
    for (const region of regions) {
      const row = el('tr', {}, el('th', { text: region }));
      for (const { name: component } of components) {
        const i = r.cells.findIndex(c => c.account === account.id && c.region === region && c.component === component);
        const cell = r.cells[i];
        row.append(cell
          ? el('td', { class: `cell ${cell.state}`, 'data-i': i, text: cell.state.toUpperCase(),
            onclick: () => showCell(cell) })
          : el('td', { text: '' }));
      }
      table.append(row);
    }
    matrix.append(table);
  }
}

function showCell(cell) {
  const aside = $('#coverage-detail');
  aside.hidden = false;
  aside.replaceChildren(
    el('h3', { text: `${cell.account} ${cell.region} ${cell.component}: ${cell.state}` }),
    el('ul', {}, ...cell.findings.map(f => el('li', {},
      badge('state', f.state), ` ${f.message}`,
      f.fix ? el('div', { class: 'muted', text: `fix: ${f.fix}` }) : '',
      f.fix_cli ? el('pre', { text: f.fix_cli }) : ''))),
    el('ul', { class: 'muted' }, ...(cell.notes || []).map(n => el('li', { text: n }))));
}

// ---- Health ----------------------------------------------------------------------------------

async function loadHealth() {
  let data;
  try {
    data = await api('/api/health');
  } catch (err) {
    showError($('#health-metrics'), err);
    return;
  }
  const h = data.health;
  $('#health-status').replaceChildren(...(h
    ? [badge('state', h.status), ` up ${seconds(h.uptime_seconds)}`]
    : ['this process has no sources (a replay)']));
  $('#health-sources tbody').replaceChildren(...((h && h.sources) || []).map(s => el('tr', {},
    el('td', { text: s.name }), el('td', {}, badge('state', s.state)),
    el('td', { text: s.last_error || '' }), el('td', { text: s.last_error_time || '' }))));
  $('#health-sources').hidden = !(h && h.sources && h.sources.length);
  const byName = Object.fromEntries(data.metrics.map(m => [m.name, m]));
  const sum = (name, pred = () => true) =>
    (byName[name]?.samples || []).filter(x => pred(x.labels)).reduce((a, x) => a + x.value, 0);
  const max = name => Math.max(0, ...(byName[name]?.samples || []).map(x => x.value));
  const has = name => (byName[name]?.samples || []).length > 0;
  // At a glance: what an operator checks first.
  const glance = [
    ['events out', sum('fastpath_events_total')],
    ['duplicates dropped', sum('fastpath_duplicates_total')],
    ['bad input dropped', sum('fastpath_drops_total', l => l.reason !== 'duplicate')],
    ['alerts raised', sum('fastpath_alerts_total')],
    ['inputs queued', `${sum('fastpath_pipeline_inputs_queued')} / ${sum('fastpath_pipeline_queue_capacity')}`],
  ];
  if (has('fastpath_outbox_backlog')) {
    glance.push(['outbox pending', sum('fastpath_outbox_backlog', l => l.state === 'pending')]);
    glance.push(['outbox dead', sum('fastpath_outbox_backlog', l => l.state === 'dead')]);
  }
  if (has('fastpath_sqs_in_flight_messages')) glance.push(['SQS in flight', sum('fastpath_sqs_in_flight_messages')]);
  if (has('fastpath_kinesis_leases_held')) glance.push(['Kinesis shards held', sum('fastpath_kinesis_leases_held')]);
  if (has('fastpath_kinesis_millis_behind_latest')) {
    glance.push(['Kinesis behind (max)', seconds(max('fastpath_kinesis_millis_behind_latest') / 1000)]);
  }
  if (has('fastpath_source_silent')) glance.push(['paths silent', sum('fastpath_source_silent')]);
  // The stages, one row each, from the fastpath_stage_* families.
  const stageFamilies = data.metrics.filter(m => m.name.startsWith('fastpath_stage_'));
  const stages = [...new Set(stageFamilies.flatMap(m => m.samples.map(x => x.labels.stage)))];
  const stageTable = el('table', { class: 'list', id: 'stages' },
    el('thead', {}, el('tr', {}, el('th', { text: 'stage' }),
      ...stageFamilies.map(m => el('th', { text: m.name.replace('fastpath_stage_', '').replace('_total', '').replace(/_/g, ' ') })))),
    el('tbody', {}, ...stages.map(st => el('tr', {}, el('td', { text: st }),
      ...stageFamilies.map(m => el('td', { text: m.samples.find(x => x.labels.stage === st)?.value ?? '' }))))));
  const box = $('#health-metrics');
  const rest = data.metrics.filter(m => m.samples.length && !m.name.startsWith('fastpath_stage_'));
  box.replaceChildren(
    el('div', { class: 'cards', id: 'glance' }, ...glance.map(([k, v]) => el('div', { class: 'card' }, el('b', { text: v }), k))),
    el('h2', { text: 'Pipeline stages' }), stageTable,
    el('h2', { text: 'Every metric (as /metrics has them)' }),
    el('div', { class: 'metric-grid' }, ...rest.map(m => {
      const labelNames = [...new Set(m.samples.flatMap(x => Object.keys(x.labels)))];
      const multi = new Set(m.samples.map(x => x.series)).size > 1;
      return el('div', { class: 'metric', 'data-metric': m.name },
        el('h3', { text: m.name }), el('p', { class: 'muted', text: `${m.type} - ${m.help}` }),
        el('table', { class: 'list' },
          el('thead', {}, el('tr', {}, ...(multi ? ['series'] : []).concat(labelNames, ['value'])
            .map(x => el('th', { text: x })))),
          el('tbody', {}, ...m.samples.map(x => el('tr', {},
            ...(multi ? [el('td', { text: x.series })] : []),
            ...labelNames.map(n => el('td', { text: x.labels[n] ?? '' })),
            el('td', { text: x.value }))))));
    })));
}

// ---- Search ----------------------------------------------------------------------------------

async function runSearch(ev) {
  ev?.preventDefault();
  const form = $('#search-form');
  const params = new URLSearchParams({ limit: '500' });
  for (const name of ['log_type', 'account', 'region', 'since', 'until', 'where']) {
    const v = form.elements[name].value.trim();
    if (v) params.append(name, v);
  }
  const tbody = $('#search-results tbody');
  $('#search-count').textContent = 'searching...';
  let data;
  try {
    data = await api(`/api/search?${params}`);
  } catch (err) {
    $('#search-count').textContent = String(err.message);
    tbody.replaceChildren();
    return;
  }
  $('#search-count').textContent = `${data.events.length} event(s)${data.truncated ? ' (the first 500)' : ''}`;
  tbody.replaceChildren(...data.events.map(e => {
    const r = e.event || {};
    const what = r.eventName ? `${r.eventSource || ''} ${r.eventName}` : (r.action || r.type || '');
    return el('tr', { onclick: () => alert(JSON.stringify(e, null, 2)) },
      el('td', { text: e.time }), el('td', { text: e.log_type }), el('td', { text: e.account }),
      el('td', { text: e.region }), el('td', { text: e.path }), el('td', { text: what }),
      el('td', { text: e.id }));
  }));
}

// ---- Navigation ------------------------------------------------------------------------------

const loaders = { alerts: loadAlerts, paths: loadPaths, coverage: loadCoverage, health: loadHealth, search: null };
let timer = null;

function show(page) {
  if (!(page in loaders)) page = 'alerts';
  for (const s of document.querySelectorAll('.page')) s.classList.toggle('shown', s.id === `page-${page}`);
  for (const a of document.querySelectorAll('nav a')) a.classList.toggle('active', a.dataset.page === page);
  clearInterval(timer);
  const load = loaders[page];
  if (load) {
    load();
    // Live pages refresh themselves; the alert list too, unless a filter is being edited.
    timer = setInterval(() => { if (!document.hidden) load(); }, page === 'health' ? 5000 : 15000);
  }
}

async function start() {
  try {
    const info = await api('/api/info');
    $('#title').textContent = info.title;
    document.title = info.title;
    $('#note').textContent = info.note;
    $('#clock').textContent = `clock ${info.now}`;
    for (const [page, on] of Object.entries({ alerts: info.alerts, paths: info.paths, coverage: info.coverage, search: info.search })) {
      if (!on) $(`nav a[data-page="${page}"]`).classList.add('off');
    }
  } catch (err) {
    $('#note').textContent = String(err.message);
  }
  $('#alert-filters').addEventListener('submit', ev => { ev.preventDefault(); loadAlerts(); });
  for (const s of document.querySelectorAll('#alert-filters select')) s.addEventListener('change', loadAlerts);
  for (const s of document.querySelectorAll('#path-filters select')) s.addEventListener('change', loadPaths);
  $('#search-form').addEventListener('submit', runSearch);
  window.addEventListener('hashchange', () => show(location.hash.slice(1)));
  show(location.hash.slice(1));
}

start();
