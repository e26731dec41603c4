// Vigil dashboard: the Outputs view (list, add, test, delete) and "Suppress alerts like this" on an
// alert's detail. It listens to the events app.js dispatches ('vigil:view' when a tab is chosen,
// 'vigil:alert' when an alert's detail is shown) and reads the session token as app.js stores it.
// Values from the API are written with textContent only.

const $ = (id) => document.getElementById(id);
let role = null;
let shown = null;

async function api(path, options = {}) {
  const headers = { Accept: 'application/json', Authorization: `Bearer ${sessionStorage.getItem('vigil.token')}` };
  if (options.body) headers['Content-Type'] = 'application/json';
  const res = await fetch(path, { ...options, headers });
  const body = res.status === 204 ? null : await res.json().catch(() => null);
  if (!res.ok) throw new Error((body && body.message) || `HTTP ${res.status}`);
  return body;
}

function cell(value, className) {
  const td = document.createElement('td');
  td.textContent = value == null ? '' : String(value);
  if (className) td.className = className;
  return td;
}

function button(label, className, onClick) {
  const b = document.createElement('button');
  b.type = 'button';
  b.textContent = label;
  if (className) b.className = className;
  b.addEventListener('click', onClick);
  return b;
}

function say(message) {
  const el = $('outputs-error');
  el.textContent = message || '';
  el.hidden = !message;
}

async function loadOutputs() {
  say('');
  try {
    role = (await api('/v1/me')).role;
    $('output-form').hidden = role !== 'admin';
    const { outputs } = await api('/v1/outputs');
    const body = $('outputs-body');
    body.replaceChildren();
    for (const o of outputs) {
      const tr = document.createElement('tr');
      tr.dataset.id = o.id;
      const routing = [o.minSeverity && `≥ ${o.minSeverity}`, ...(o.alertTypes || []), ...(o.clusters || [])]
        .filter(Boolean).join(', ') || 'all alerts';
      const actions = document.createElement('td');
      if (role === 'admin') {
        actions.append(button('Test', '', () => testOutput(o.id)), button('Delete', 'danger', () => deleteOutput(o.id)));
      }
      tr.append(cell(o.name || o.id, 'mono'), cell(o.kind), cell(o.url, 'mono'), cell(routing),
        cell(o.state, `status ${o.state}`), cell(o.delivery ? o.delivery.delivered : '—', 'num'), actions);
      body.append(tr);
    }
    $('outputs-empty').hidden = outputs.length > 0;
  } catch (e) {
    say(e.message);
  }
}

async function addOutput(ev) {
  ev.preventDefault();
  const form = new FormData($('output-form'));
  const list = (name) => String(form.get(name) || '').split(',').map((s) => s.trim()).filter(Boolean);
  const output = { kind: form.get('kind'), url: form.get('url') };
  for (const name of ['name', 'secret', 'minSeverity', 'from']) if (form.get(name)) output[name] = form.get(name);
  for (const name of ['alertTypes', 'clusters', 'to']) if (list(name).length) output[name] = list(name);
  try {
    await api('/v1/outputs', { method: 'POST', body: JSON.stringify(output) });
    $('output-form').reset();
    await loadOutputs();
  } catch (e) {
    say(e.message);
  }
}

async function testOutput(id) {
  try {
    await api(`/v1/outputs/${encodeURIComponent(id)}/test`, { method: 'POST' });
    say('');
    window.alert('The receiver accepted the test message.');
  } catch (e) {
    say(e.message);
  }
}

async function deleteOutput(id) {
  if (!window.confirm(`Delete output ${id}? Its deliveries stop.`)) return;
  try {
    await api(`/v1/outputs/${encodeURIComponent(id)}`, { method: 'DELETE' });
    await loadOutputs();
  } catch (e) {
    say(e.message);
  }
}

async function suppressLikeThis() {
  if (!shown) return;
  const reason = window.prompt(`Suppress new ${shown.alertType} alerts of cluster ${shown.cluster}`
    + ` on ${shown.compromisedEntity}? Why are they benign?`);
  if (reason == null) return;
  const entity = {};
  for (const e of shown.entities || []) if (['namespace', 'user', 'workload', 'image'].includes(e.type)) entity[e.type] = e.name;
  const rule = { alertType: shown.alertType, cluster: shown.cluster, reason };
  if (Object.keys(entity).length) rule.entity = entity;
  const status = $('d-suppress-status');
  try {
    const created = await api('/v1/suppressions', { method: 'POST', body: JSON.stringify(rule) });
    status.textContent = `Rule ${created.id} dismisses new alerts like this one.`;
  } catch (e) {
    status.textContent = e.message;
  }
  status.hidden = false;
}

document.addEventListener('vigil:view', (ev) => {
  $('view-outputs').hidden = ev.detail !== 'outputs';
  if (ev.detail === 'outputs') loadOutputs();
});
document.addEventListener('vigil:alert', (ev) => {
  shown = ev.detail.alert;
  $('d-suppress').hidden = !ev.detail.admin;
  $('d-suppress-status').hidden = true;
});
document.addEventListener('DOMContentLoaded', () => {
  $('output-form').addEventListener('submit', addOutput);
  $('btn-suppress').addEventListener('click', suppressLikeThis);
});
