// Vigil dashboard: plain ES module, no build step. Every value from the API is written with
// textContent, never as HTML. The token lives in sessionStorage (this tab only) and is sent as a
// bearer header; the live stream is read with fetch so it can carry that header too.

import {
  initInsights, loadIncidents, loadOverview, readEvents, renderAlertExtras, startIncidentStream, stopIncidentStream,
} from './insights.js';

const TOKEN_KEY = 'vigil.token';
const $ = (id) => document.getElementById(id);

const state = {
  token: sessionStorage.getItem(TOKEN_KEY),
  me: null,
  alerts: new Map(),
  order: [],
  nextCursor: null,
  selected: null,
  filters: new URLSearchParams(),
  stream: null,
  lastEventId: null,
};

class ApiError extends Error {
  constructor(status, body) {
    super((body && body.message) || `HTTP ${status}`);
    this.status = status;
  }
}

async function api(path, options = {}) {
  const headers = { Accept: 'application/json', Authorization: `Bearer ${state.token}` };
  if (options.body) headers['Content-Type'] = 'application/json';
  const res = await fetch(path, { ...options, headers: { ...headers, ...(options.headers || {}) } });
  const text = await res.text();
  const body = text ? JSON.parse(text) : null;
  if (!res.ok) {
    if (res.status === 401 && path !== '/v1/me') signOut('Your token was refused; sign in again.');
    throw new ApiError(res.status, body);
  }
  return body;
}

function show(el, visible) { el.hidden = !visible; }
function showError(el, message) { el.textContent = message || ''; show(el, Boolean(message)); }
function clear(el) { while (el.firstChild) el.removeChild(el.firstChild); }
function text(tag, value, className) {
  const el = document.createElement(tag);
  el.textContent = value == null ? '' : String(value);
  if (className) el.className = className;
  return el;
}
function when(iso) {
  if (!iso) return '';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleString();
}

// ---- session ----------------------------------------------------------------------------------

async function signIn(token) {
  state.token = token;
  const me = await api('/v1/me');
  sessionStorage.setItem(TOKEN_KEY, token);
  state.me = me;
  $('who').textContent = `${me.role} · ${me.workspace}`;
  show($('tab-tokens'), me.role === 'admin');
  show($('signin'), false);
  show($('tabs'), true);
  show($('session'), true);
  selectView('overview');
  startIncidentStream();
  await reloadAlerts();
}

function signOut(message) {
  stopStream();
  stopIncidentStream();
  sessionStorage.removeItem(TOKEN_KEY);
  state.token = null;
  state.me = null;
  state.alerts.clear();
  state.order = [];
  clear($('alerts-body'));
  show($('detail'), false);
  for (const id of ['tabs', 'session', 'view-overview', 'view-incidents', 'view-alerts', 'view-clusters', 'view-tokens', 'view-outputs']) {
    show($(id), false);
  }
  show($('signin'), true);
  $('token').value = '';
  showError($('signin-error'), message);
  $('token').focus();
}

function selectView(view) {
  for (const tab of document.querySelectorAll('.tab')) tab.classList.toggle('active', tab.dataset.view === view);
  show($('view-overview'), view === 'overview');
  show($('view-incidents'), view === 'incidents');
  if (view === 'overview') loadOverview();
  if (view === 'incidents') loadIncidents();
  show($('view-alerts'), view === 'alerts');
  show($('view-clusters'), view === 'clusters');
  show($('view-tokens'), view === 'tokens');
  if (view === 'clusters') loadClusters();
  if (view === 'tokens') loadTokens();
  document.dispatchEvent(new CustomEvent('vigil:view', { detail: view })); // soc.js: the Outputs view
}

// ---- alerts list ------------------------------------------------------------------------------

function readFilters() {
  const form = new FormData($('filters'));
  const params = new URLSearchParams();
  for (const [key, raw] of form.entries()) {
    const value = String(raw).trim();
    if (!value) continue;
    params.set(key, key === 'since' || key === 'until' ? new Date(value).toISOString() : value);
  }
  return params;
}

async function reloadAlerts() {
  state.filters = readFilters();
  state.alerts.clear();
  state.order = [];
  state.nextCursor = null;
  clear($('alerts-body'));
  showError($('alerts-error'), '');
  stopStream();
  startStream();
  await loadPage();
}

async function loadPage() {
  const params = new URLSearchParams(state.filters);
  params.set('limit', '50');
  if (state.nextCursor) params.set('cursor', state.nextCursor);
  try {
    const page = await api(`/v1/alerts?${params}`);
    for (const alert of page.alerts) upsert(alert, false);
    state.nextCursor = page.nextCursor || null;
    show($('more'), Boolean(state.nextCursor));
    render();
  } catch (e) {
    showError($('alerts-error'), e.message);
  }
}

function upsert(alert, live) {
  const known = state.alerts.has(alert.id);
  state.alerts.set(alert.id, alert);
  if (!known) {
    state.order.push(alert.id);
    // Newest first, as the API orders them: detection time, then id, both descending.
    state.order.sort((a, b) => {
      const x = state.alerts.get(a); const y = state.alerts.get(b);
      if (x.detectedTimeUtc !== y.detectedTimeUtc) return x.detectedTimeUtc < y.detectedTimeUtc ? 1 : -1;
      return a < b ? 1 : -1;
    });
  }
  if (live) {
    render(alert.id);
    if (state.selected === alert.id) renderDetail(alert);
  }
}

function render(flashId) {
  const body = $('alerts-body');
  clear(body);
  for (const id of state.order) {
    const a = state.alerts.get(id);
    const tr = document.createElement('tr');
    tr.dataset.id = a.id;
    tr.dataset.type = a.alertType;
    if (id === state.selected) tr.classList.add('selected');
    if (id === flashId) tr.classList.add('flash');
    tr.append(
      text('td', when(a.detectedTimeUtc)),
      cell(text('span', a.severity, `sev ${a.severity}`)),
      cell(text('div', a.displayName), text('div', a.alertType, 'muted mono small')),
      text('td', a.cluster),
      text('td', a.compromisedEntity, 'entity mono'),
      cell(text('span', a.status, `status ${a.status}`), 'status-cell'),
      text('td', a.count, 'num'),
    );
    tr.addEventListener('click', () => select(a.id));
    body.append(tr);
  }
  show($('alerts-empty'), state.order.length === 0);
}

function cell(...children) {
  const td = document.createElement('td');
  for (const c of children) {
    if (typeof c === 'string') td.className = c; else td.append(c);
  }
  return td;
}

// ---- detail -----------------------------------------------------------------------------------

async function select(id) {
  state.selected = id;
  render();
  try {
    const alert = await api(`/v1/alerts/${encodeURIComponent(id)}`);
    state.alerts.set(alert.id, alert);
    renderDetail(alert);
  } catch (e) {
    showError($('alerts-error'), e.message);
  }
}

function renderDetail(a) {
  show($('detail'), true);
  const sev = $('d-severity');
  sev.textContent = a.severity;
  sev.className = `sev ${a.severity}`;
  $('d-title').textContent = a.displayName;
  $('d-type').textContent = a.alertType;
  const status = $('d-status');
  status.textContent = a.status;
  status.className = `status ${a.status}`;
  $('d-cluster').textContent = a.cluster;
  $('d-entity').textContent = a.compromisedEntity;
  $('d-times').textContent = `${when(a.startTimeUtc)} – ${when(a.endTimeUtc)}`;
  $('d-detected').textContent = when(a.detectedTimeUtc);
  $('d-count').textContent = a.count;
  $('d-mitre').textContent = [...(a.tactics || []), ...(a.techniques || [])].join(', ') || '—';
  $('d-description').textContent = a.description;
  renderAlertExtras(a);

  const admin = state.me && state.me.role === 'admin';
  show($('d-triage'), admin);
  document.dispatchEvent(new CustomEvent('vigil:alert', { detail: { alert: a, admin } })); // soc.js: suppress
  if (admin) {
    const closed = a.status === 'Resolved' || a.status === 'Dismissed';
    show($('btn-progress'), a.status !== 'InProgress' && !closed);
    show($('btn-resolve'), a.status !== 'Resolved');
    show($('btn-dismiss'), a.status !== 'Dismissed');
    show($('btn-reopen'), closed);
    showError($('d-error'), '');
  }

  const entities = $('d-entities');
  clear(entities);
  for (const e of a.entities || []) {
    const li = document.createElement('li');
    li.append(text('b', e.type), document.createTextNode(e.name));
    entities.append(li);
  }
  const props = a.extendedProperties || {};
  const users = (a.entities || []).filter((e) => e.type === 'user').map((e) => e.name);
  const events = $('d-events');
  clear(events);
  for (const [label, value] of [
    ['User', users.join(', ')], ['Source IPs', props.sourceIPs], ['User agent', props.userAgent],
    ['Request', [props.verb, props.resource, props.subresource].filter(Boolean).join(' ')],
    ['Namespace', props.namespace], ['Audit IDs', `${(a.auditIds || []).length} of ${a.count} events`],
  ]) {
    if (!value) continue;
    events.append(text('dt', label), text('dd', value));
  }
  const ids = $('d-audit-ids');
  clear(ids);
  for (const id of a.auditIds || []) ids.append(text('li', id));
  const steps = $('d-remediation');
  clear(steps);
  for (const step of a.remediationSteps || []) steps.append(text('li', step));
  const history = $('d-history');
  clear(history);
  history.append(text('li', `${when(a.detectedTimeUtc)} — raised as Active`));
  for (const h of a.history || []) {
    const line = `${when(h.changedAt)} — ${h.status} by ${h.changedBy}${h.comment ? `: “${h.comment}”` : ''}`;
    history.append(text('li', line));
  }
}

async function changeStatus(status) {
  const id = state.selected;
  const comment = $('d-comment').value.trim();
  const buttons = document.querySelectorAll('#d-triage button');
  buttons.forEach((b) => { b.disabled = true; });
  try {
    const body = JSON.stringify(comment ? { status, comment } : { status });
    const answer = await api(`/v1/alerts/${encodeURIComponent(id)}`, { method: 'PATCH', body });
    $('d-comment').value = '';
    // 200 carries the updated alert; 202 means it is still being applied: the stream brings it.
    if (answer && answer.id) upsert(answer, true);
  } catch (e) {
    showError($('d-error'), e.message);
  } finally {
    buttons.forEach((b) => { b.disabled = false; });
  }
}

// ---- live stream ------------------------------------------------------------------------------

function startStream() {
  const controller = new AbortController();
  state.stream = controller;
  follow(controller).catch(() => {});
}

function stopStream() {
  if (state.stream) state.stream.abort();
  state.stream = null;
  state.lastEventId = null;
  $('live').classList.remove('on');
}

async function follow(controller) {
  while (!controller.signal.aborted) {
    try {
      const headers = { Accept: 'text/event-stream', Authorization: `Bearer ${state.token}` };
      if (state.lastEventId) headers['Last-Event-ID'] = state.lastEventId;
      const res = await fetch(`/v1/alerts/stream?${state.filters}`, { headers, signal: controller.signal });
      if (res.status === 401) { signOut('Your token was refused; sign in again.'); return; }
      if (!res.ok || !res.body) throw new Error(`stream answered ${res.status}`);
      $('live').classList.add('on');
      await readEvents(res, onStreamEvent);
    } catch (e) {
      if (controller.signal.aborted) return;
    }
    $('live').classList.remove('on');
    await new Promise((resolve) => setTimeout(resolve, 2000));
  }
}

function onStreamEvent(block) {
  let event = 'message';
  let id = null;
  const data = [];
  for (const line of block.split('\n')) {
    if (line.startsWith(':')) continue;
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
    if (field === 'event') event = value;
    else if (field === 'id') id = value;
    else if (field === 'data') data.push(value);
  }
  if (id) state.lastEventId = id;
  if (event === 'alert' && data.length) upsert(JSON.parse(data.join('\n')), true);
}

// ---- clusters ---------------------------------------------------------------------------------

async function loadClusters() {
  showError($('clusters-error'), '');
  try {
    const clusters = await allPages('/v1/clusters', 'clusters');
    const body = $('clusters-body');
    clear(body);
    for (const c of clusters) {
      const tr = document.createElement('tr');
      tr.dataset.name = c.name;
      tr.append(
        text('td', c.name, 'mono'),
        cell(text('span', c.installState, `status ${c.installState}`)),
        text('td', when(c.lastEventTime) || '—'),
        text('td', c.eventsReceived, 'num'),
        text('td', c.eventsRejected, 'num'),
        text('td', when(c.createdAt)),
      );
      body.append(tr);
    }
    show($('clusters-empty'), clusters.length === 0);
  } catch (e) {
    showError($('clusters-error'), e.message);
  }
}

/** Every item of a paged list: follows nextCursor (bounded by the workspace's quota). */
async function allPages(path, field) {
  const items = [];
  let cursor = null;
  do {
    const page = await api(`${path}?limit=1000${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    items.push(...page[field]);
    cursor = page.nextCursor || null;
  } while (cursor);
  return items;
}

// ---- tokens (admins) --------------------------------------------------------------------------

async function loadTokens() {
  showError($('tokens-error'), '');
  try {
    const tokens = await allPages('/v1/tokens', 'tokens');
    const body = $('tokens-body');
    clear(body);
    for (const t of tokens) {
      const tr = document.createElement('tr');
      tr.dataset.id = t.id;
      const revoke = text('button', 'Revoke', 'danger');
      revoke.type = 'button';
      revoke.addEventListener('click', () => revokeToken(t.id));
      tr.append(
        text('td', t.id, 'mono'),
        text('td', t.role),
        text('td', t.description || ''),
        text('td', when(t.createdAt)),
        text('td', when(t.expiresAt) || 'never'),
        text('td', when(t.lastUsedAt) || '—'),
        cell(revoke),
      );
      body.append(tr);
    }
    show($('tokens-empty'), tokens.length === 0);
  } catch (e) {
    showError($('tokens-error'), e.message);
  }
}

async function revokeToken(id) {
  if (!window.confirm(`Revoke token ${id}? Whoever holds it is refused at once.`)) return;
  try {
    await api(`/v1/tokens/${encodeURIComponent(id)}`, { method: 'DELETE' });
    await loadTokens();
  } catch (e) {
    showError($('tokens-error'), e.message);
  }
}

// ---- wiring -----------------------------------------------------------------------------------

function init() {
  initInsights({
    api, $, text, clear, show, showError, when, selectView, token: () => state.token,
    openAlert: (id) => { selectView('alerts'); select(id); },
    isAdmin: () => Boolean(state.me && state.me.role === 'admin'),
  });
  $('signin-form').addEventListener('submit', async (ev) => {
    ev.preventDefault();
    showError($('signin-error'), '');
    try {
      await signIn($('token').value.trim());
    } catch (e) {
      state.token = null;
      showError($('signin-error'), e.status === 401 ? 'This token is unknown or revoked.' : e.message);
    }
  });
  $('sign-out').addEventListener('click', () => signOut(''));
  for (const tab of document.querySelectorAll('.tab')) tab.addEventListener('click', () => selectView(tab.dataset.view));
  $('filters').addEventListener('submit', (ev) => { ev.preventDefault(); reloadAlerts(); });
  $('filters').addEventListener('reset', () => setTimeout(reloadAlerts, 0));
  $('more').addEventListener('click', () => loadPage());
  $('d-close').addEventListener('click', () => { state.selected = null; show($('detail'), false); render(); });
  for (const button of document.querySelectorAll('#d-triage button')) {
    button.addEventListener('click', () => changeStatus(button.dataset.status));
  }
  if (state.token) {
    signIn(state.token).catch(() => signOut('Your session ended; sign in again.'));
  } else {
    signOut('');
  }
}

init();
