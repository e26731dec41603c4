// The overview (the dashboard's home) and the incident pages. Values from the API are written with
// textContent only; bar widths go through the CSSOM, so the strict CSP (no inline style) holds.
import uPlot from '/ui/vendor/uplot/uPlot.esm.js';

const SEVERITIES = ['Informational', 'Low', 'Medium', 'High'];
const COLORS = { Informational: '#98a2b3', Low: '#f79009', Medium: '#e04f16', High: '#b42318' };
let ui = null;
let chart = null;
let current = null;

/** Hands this module the page's helpers: api, token, $, text, clear, show, showError, when, openAlert, isAdmin. */
export function initInsights(helpers) {
  ui = helpers;
  ui.$('ov-period').addEventListener('change', () => loadOverview());
  ui.$('i-close').addEventListener('click', () => { current = null; ui.show(ui.$('incident'), false); });
  for (const button of document.querySelectorAll('#i-triage button')) {
    button.addEventListener('click', () => changeIncident(button.dataset.status));
  }
  window.addEventListener('resize', () => { if (chart) chart.setSize(size()); });
}

function size() {
  const width = Math.max(320, ui.$('chart-time').clientWidth);
  return { width, height: 260 };
}

// ---- overview ---------------------------------------------------------------------------------

export async function loadOverview() {
  ui.showError(ui.$('overview-error'), '');
  try {
    const o = await ui.api(`/v1/overview?since=${encodeURIComponent(ui.$('ov-period').value)}`);
    ui.$('kpi-alerts').textContent = o.alerts.total;
    ui.$('kpi-open').textContent = o.alerts.open;
    ui.$('kpi-high').textContent = o.alerts.bySeverity.High || 0;
    ui.$('kpi-incidents').textContent = o.incidents.open;
    drawTimeline(o);
    bars(ui.$('ov-types'), o.topAlertTypes.map((t) => [t.displayName || t.alertType, t.count, t.alertType]), false);
    bars(ui.$('ov-clusters'), o.clustersByOpenAlerts.map((c) => [c.cluster, c.open, `${c.high} High`]), true);
    openIncidents(o.incidents.latest);
    matrix(o.attackMatrix);
    health(o.clusters);
  } catch (e) {
    ui.showError(ui.$('overview-error'), e.message);
  }
}

function drawTimeline(o) {
  const xs = o.alertsOverTime.map((b) => Date.parse(b.start) / 1000);
  // Stacked bars: each series is the running total up to its severity, drawn highest first.
  const stacked = [];
  let running = xs.map(() => 0);
  for (const s of SEVERITIES) {
    running = running.map((v, i) => v + (o.alertsOverTime[i].bySeverity[s] || 0));
    stacked.push(running);
  }
  const order = [...SEVERITIES.keys()].reverse();
  const data = [xs, ...order.map((i) => stacked[i])];
  const bar = uPlot.paths.bars({ size: [0.8, 40] });
  const opts = {
    ...size(),
    scales: { x: { time: true }, y: { range: (u, min, max) => [0, Math.max(1, max)] } },
    axes: [{}, { label: 'alerts' }],
    series: [{}, ...order.map((i) => ({
      label: SEVERITIES[i], fill: COLORS[SEVERITIES[i]], stroke: COLORS[SEVERITIES[i]], paths: bar,
      value: (u, v, si, idx) => (idx == null ? '–' : String(o.alertsOverTime[idx].bySeverity[SEVERITIES[i]] || 0)),
    }))],
  };
  const el = ui.$('chart-time');
  if (chart) chart.destroy();
  ui.clear(el);
  chart = new uPlot(opts, data, el);
  el.dataset.total = String(o.alerts.total);
}

function bars(list, rows, hot) {
  ui.clear(list);
  const max = Math.max(1, ...rows.map((r) => r[1]));
  for (const [label, value, title] of rows) {
    const li = document.createElement('li');
    li.dataset.label = label;
    li.dataset.value = String(value);
    const name = ui.text('span', label, 'label');
    name.title = title;
    const track = ui.text('span', '', 'track');
    const fill = ui.text('span', '', hot ? 'fill hot' : 'fill');
    fill.style.width = `${(100 * value) / max}%`;
    fill.style.display = 'block';
    track.append(fill);
    li.append(name, track, ui.text('span', value, 'num'));
    list.append(li);
  }
  if (rows.length === 0) list.append(ui.text('li', 'none', 'muted'));
}

function openIncidents(latest) {
  const body = ui.$('ov-incidents-body');
  ui.clear(body);
  for (const i of latest) {
    const tr = document.createElement('tr');
    tr.dataset.id = i.id;
    tr.append(cell(ui.text('span', i.severity, `sev ${i.severity}`)), ui.text('td', i.title),
      ui.text('td', i.cluster), ui.text('td', i.alertCount, 'num'), ui.text('td', ui.when(i.endTimeUtc)));
    tr.addEventListener('click', () => { ui.selectView('incidents'); openIncident(i.id); });
    body.append(tr);
  }
  ui.show(ui.$('ov-incidents-empty'), latest.length === 0);
}

function matrix(columns) {
  const el = ui.$('ov-matrix');
  ui.clear(el);
  for (const column of columns) {
    const col = ui.text('div', '', 'col');
    col.dataset.tactic = column.tactic;
    col.append(ui.text('h4', column.tactic.replace(/([a-z])([A-Z])/g, '$1 $2')));
    for (const t of column.techniques) {
      const c = ui.text('div', '', `cell${t.fired ? ' fired' : t.covered ? ' covered' : ''}`);
      c.dataset.technique = t.technique;
      c.append(ui.text('span', t.technique), ui.text('span', t.fired ? t.fired : ''));
      col.append(c);
    }
    el.append(col);
  }
}

function health(clusters) {
  const body = ui.$('ov-health-body');
  ui.clear(body);
  for (const c of clusters) {
    const tr = document.createElement('tr');
    tr.append(ui.text('td', c.cluster, 'mono'), cell(ui.text('span', c.installState, `status ${c.installState}`)),
      ui.text('td', c.eventsPerMinute, 'num'), ui.text('td', ui.when(c.lastEventTime) || '—'));
    body.append(tr);
  }
  ui.show(ui.$('ov-health-empty'), clusters.length === 0);
}

function cell(child) {
  const td = document.createElement('td');
  td.append(child);
  return td;
}

// ---- incidents --------------------------------------------------------------------------------

export async function loadIncidents() {
  ui.showError(ui.$('incidents-error'), '');
  try {
    const page = await ui.api('/v1/incidents?limit=200');
    const body = ui.$('incidents-body');
    ui.clear(body);
    for (const i of page.incidents) {
      const tr = document.createElement('tr');
      tr.dataset.id = i.id;
      if (current === i.id) tr.classList.add('selected');
      tr.append(ui.text('td', ui.when(i.endTimeUtc)), cell(ui.text('span', i.severity, `sev ${i.severity}`)),
        ui.text('td', i.title), ui.text('td', i.cluster), ui.text('td', i.tactics.join(' → '), 'small'),
        ui.text('td', i.alerts.length, 'num'), cell(ui.text('span', i.status, `status ${i.status}`)));
      tr.addEventListener('click', () => openIncident(i.id));
      body.append(tr);
    }
    ui.show(ui.$('incidents-empty'), page.incidents.length === 0);
  } catch (e) {
    ui.showError(ui.$('incidents-error'), e.message);
  }
}

export async function openIncident(id) {
  current = id;
  try {
    renderIncident(await ui.api(`/v1/incidents/${encodeURIComponent(id)}`));
  } catch (e) {
    ui.showError(ui.$('incidents-error'), e.message);
  }
  loadIncidents();
}

function renderIncident(i) {
  ui.show(ui.$('incident'), true);
  const sev = ui.$('i-severity');
  sev.textContent = i.severity;
  sev.className = `sev ${i.severity}`;
  ui.$('i-title').textContent = i.title;
  ui.$('i-id').textContent = i.id;
  const status = ui.$('i-status');
  status.textContent = i.status;
  status.className = `status ${i.status}`;
  ui.$('i-cluster').textContent = i.cluster;
  ui.$('i-times').textContent = `${ui.when(i.startTimeUtc)} – ${ui.when(i.endTimeUtc)}`;
  const tactics = ui.$('i-tactics');
  ui.clear(tactics);
  for (const t of i.tactics) tactics.append(ui.text('li', t));
  const timeline = ui.$('i-timeline');
  ui.clear(timeline);
  for (const a of i.alerts) {
    const li = document.createElement('li');
    li.dataset.alertType = a.alertType;
    li.append(ui.text('div', ui.when(a.startTimeUtc), 'when'),
      ui.text('div', `${a.displayName} (${a.severity}, ${a.status})`),
      ui.text('div', a.alertType, 'muted mono small'),
      ui.text('div', (a.tactics || []).join(', '), 'tactics'),
      ui.text('div', a.compromisedEntity, 'mono small'));
    li.addEventListener('click', () => ui.openAlert(a.id));
    timeline.append(li);
  }
  const entities = ui.$('i-entities');
  ui.clear(entities);
  for (const e of i.entities) {
    const li = document.createElement('li');
    li.append(ui.text('b', e.type), document.createTextNode(e.name));
    entities.append(li);
  }
  const history = ui.$('i-history');
  ui.clear(history);
  history.append(ui.text('li', `${ui.when(i.createdTimeUtc)} — opened`));
  for (const h of i.history) {
    history.append(ui.text('li', `${ui.when(h.changedAt)} — ${h.status} by ${h.changedBy}${h.comment ? `: “${h.comment}”` : ''}`));
  }
  ui.show(ui.$('i-triage'), ui.isAdmin());
  ui.showError(ui.$('i-error'), '');
}

async function changeIncident(status) {
  const comment = ui.$('i-comment').value.trim();
  const body = { status, resolveAlerts: ui.$('i-resolve-alerts').checked };
  if (comment) body.comment = comment;
  try {
    const answer = await ui.api(`/v1/incidents/${encodeURIComponent(current)}`, { method: 'PATCH', body: JSON.stringify(body) });
    ui.$('i-comment').value = '';
    if (answer && answer.alerts) renderIncident(answer);
    loadIncidents();
  } catch (e) {
    ui.showError(ui.$('i-error'), e.message);
  }
}

// ---- live incidents -----------------------------------------------------------------------------

let follower = null;
let refresh = null;

/** Follows /v1/incidents/stream while signed in: open pages redraw when an incident changes. */
export function startIncidentStream() {
  stopIncidentStream();
  const controller = new AbortController();
  follower = controller;
  (async () => {
    while (!controller.signal.aborted) {
      try {
        const res = await fetch('/v1/incidents/stream', {
          headers: { Accept: 'text/event-stream', Authorization: `Bearer ${ui.token()}` }, signal: controller.signal,
        });
        if (!res.ok || !res.body) throw new Error(`incident stream answered ${res.status}`);
        await readEvents(res, onIncidentEvent);
      } catch (e) {
        if (controller.signal.aborted) return;
      }
      await new Promise((resolve) => setTimeout(resolve, 2000));
    }
  })();
}

/** Reads a text/event-stream response to its end, handing each event block to {@code onBlock}. */
export async function readEvents(res, onBlock) {
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += value.replace(/\r\n/g, '\n');
    let end;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      onBlock(buffer.slice(0, end));
      buffer = buffer.slice(end + 2);
    }
  }
}

export function stopIncidentStream() {
  if (follower) follower.abort();
  follower = null;
}

function onIncidentEvent(block) {
  const lines = block.split('\n');
  if (!lines.includes('event: incident')) return;
  const data = lines.filter((l) => l.startsWith('data: ')).map((l) => l.slice(6)).join('\n');
  const incident = JSON.parse(data);
  if (current === incident.id) renderIncident(incident);
  // Several changes arrive together (a new alert, then its siblings): redraw once for them.
  clearTimeout(refresh);
  refresh = setTimeout(() => {
    if (!ui.$('view-incidents').hidden) loadIncidents();
    if (!ui.$('view-overview').hidden) loadOverview();
  }, 300);
}

// ---- alert detail: its incident and its evidence -------------------------------------------------

/** Fills the alert detail's incident link and pretty-printed evidence. */
export async function renderAlertExtras(a) {
  const evidence = {
    auditIds: a.auditIds || [], count: a.count, firstEvent: a.startTimeUtc, lastEvent: a.endTimeUtc,
    entities: a.entities || [], request: a.extendedProperties || {},
  };
  ui.$('d-evidence').textContent = JSON.stringify(evidence, null, 2);
  const link = ui.$('d-incident');
  ui.clear(link);
  link.textContent = '—';
  try {
    const page = await ui.api(`/v1/incidents?alert=${encodeURIComponent(a.id)}&limit=1`);
    if (page.incidents.length) {
      const i = page.incidents[0];
      ui.clear(link);
      const anchor = ui.text('a', i.title, 'incident-link');
      anchor.tabIndex = 0;
      anchor.addEventListener('click', () => { ui.selectView('incidents'); openIncident(i.id); });
      link.append(anchor);
    }
  } catch (e) {
    link.textContent = '—';
  }
}
