// Elephant's operations page: read-only, from the operations listener's JSON endpoints, refreshed every 2 s.
// Data is put into the page with textContent only, never as HTML.
'use strict';

const REFRESH_MS = 2000;
const PAGE = 200;
let cursor = null;      // the page shown starts after this instance id (null: the first page)
let nextCursor = null;
let pageNumber = 1;
const pagesBefore = []; // cursors of the pages before, for "first page"

function el(tag, text, cls) {
  const e = document.createElement(tag);
  if (text !== undefined && text !== null) e.textContent = String(text);
  if (cls) e.className = cls;
  return e;
}

async function getJson(path) {
  const r = await fetch(path, { headers: { 'Accept': 'application/json' } });
  let body = null;
  try { body = await r.json(); } catch (e) { /* not JSON */ }
  return { status: r.status, body };
}

function unavailable(target, what, detail) {
  target.replaceChildren(el('span', what + ' is unavailable right now' + (detail ? ': ' + detail : '') +
      '. The page keeps trying.', 'error'));
}

async function refreshHealth() {
  const target = document.getElementById('health');
  try {
    const { status, body } = await getJson('/v1/health');
    if (status !== 200 || !body) return unavailable(target, 'Health', 'HTTP ' + status);
    const problems = Object.entries(body.problems || {});
    const out = [el('p', body.healthy ? 'Healthy' : problems.length + ' problem(s)', body.healthy ? 'ok' : 'bad')];
    if (problems.length) {
      const ul = el('ul');
      for (const [check, why] of problems) ul.appendChild(el('li', check + ': ' + why));
      out.push(ul);
    }
    target.replaceChildren(...out);
  } catch (e) {
    unavailable(target, 'Health', e.message);
  }
}

const SVG = 'http://www.w3.org/2000/svg';

// A line of the last hour's samples: the shape over time, its latest value beside it.
function sparkline(label, values) {
  const w = 160, h = 28;
  const figure = el('figure', null, 'spark');
  const svg = document.createElementNS(SVG, 'svg');
  svg.setAttribute('width', w);
  svg.setAttribute('height', h);
  svg.setAttribute('viewBox', '0 0 ' + w + ' ' + h);
  svg.setAttribute('role', 'img');
  const max = Math.max(1, ...values);
  const title = document.createElementNS(SVG, 'title');
  title.textContent = label + ' over the last ' + Math.round(values.length / 6) + ' min, highest ' + max;
  svg.appendChild(title);
  if (values.length > 1) {
    const line = document.createElementNS(SVG, 'polyline');
    line.setAttribute('fill', 'none');
    line.setAttribute('stroke', '#23395d');
    line.setAttribute('stroke-width', '1.5');
    line.setAttribute('points', values.map((v, i) =>
        (i * (w - 2) / (values.length - 1) + 1).toFixed(1) + ',' + (h - 2 - v * (h - 4) / max).toFixed(1)).join(' '));
    svg.appendChild(line);
  }
  figure.appendChild(svg);
  figure.appendChild(el('figcaption', label + ': ' + (values.length ? values[values.length - 1] : '–')));
  return figure;
}

async function refreshStatus() {
  const target = document.getElementById('status');
  try {
    const { status, body } = await getJson('/v1/status');
    if (status !== 200 || !body) return unavailable(target, 'The status', 'HTTP ' + status);
    const sink = body.dnsSink, p = body.provider;
    const dl = el('dl');
    const item = (term, value, bad) => {
      dl.appendChild(el('dt', term));
      dl.appendChild(el('dd', value === null || value === undefined ? 'not known yet' : String(value), bad ? 'bad' : ''));
    };
    item('Kafka Streams', body.streams.state + (body.streams.catchingUp ? ', a replay catching up with the log' : ''),
        body.streams.state !== 'RUNNING');
    item('DNS sink: records not yet applied', sink.lag, sink.lag > 0);
    item('DNS sink: writes announced, outcome pending', sink.openIntents, sink.openIntents > 0);
    item('Last zone reconciliation', sink.reconciliationAgeSeconds === null ? null
        : since(new Date(Date.now() - sink.reconciliationAgeSeconds * 1000).toISOString()) + ' ago, ' +
          sink.repairedLastReconciliation + ' repaired');
    item('DNS provider (' + (p.name || '?') + '): budget used', p.budgetUsed === null ? null
        : p.budgetUsed + ' of ' + p.budgetLimit + ' in the window', p.budgetUsed >= p.budgetLimit);
    item('Provider requests / told to wait (429)', p.requests + ' / ' + p.rateLimited, p.rateLimited > 0);
    const h = body.history || [];
    const lines = el('div', null, 'sparks');
    lines.appendChild(sparkline('records not yet applied', h.map(x => x.sinkLag)));
    lines.appendChild(sparkline('budget used', h.map(x => x.budgetUsed)));
    lines.appendChild(sparkline('changes applied / 10 s', h.map(x => x.applied)));
    lines.appendChild(sparkline('events taken / 10 s', h.map(x => x.ingested)));
    target.replaceChildren(dl, lines);
  } catch (e) {
    unavailable(target, 'The status', e.message);
  }
}

async function refreshCertificate() {
  const target = document.getElementById('certificate');
  try {
    const { status, body } = await getJson('/v1/certificates');
    if (status === 404) return target.replaceChildren(el('span', 'Elephant obtains no certificate here.'));
    if (status !== 200 || !body) return unavailable(target, 'The certificate', 'HTTP ' + status);
    const c = body[0];
    const lines = [];
    if (c.notAfter) {
      lines.push(el('p', c.names.join(', ') + ' — ' + c.daysLeft + ' day(s) left (until ' + c.notAfter + '), issued by ' +
          c.issuer, c.daysLeft < 7 ? 'bad' : 'ok'));
    } else {
      lines.push(el('p', 'None issued yet.', 'bad'));
    }
    if (c.lastError) lines.push(el('p', 'Last attempt failed: ' + c.lastError + '; next attempt ' + c.nextAttemptAt, 'bad'));
    target.replaceChildren(...lines);
  } catch (e) {
    unavailable(target, 'The certificate', e.message);
  }
}

function matches(i, filter) {
  if (!filter) return true;
  const hay = [i.instanceId, i.state, i.publicIp, i.privateIp, i.meetingId, i.role, i.recordName, i.recordStatus]
      .filter(Boolean).join(' ').toLowerCase();
  return hay.includes(filter.toLowerCase());
}

function since(time) {
  if (!time) return '';
  const s = Math.max(0, Math.round((Date.now() - Date.parse(time)) / 1000));
  return s < 120 ? s + ' s' : s < 7200 ? Math.round(s / 60) + ' min' : Math.round(s / 3600) + ' h';
}

function content(m) {
  if (m.previousContent && m.content) return m.previousContent + ' → ' + m.content;
  if (m.content) return m.content;
  return m.previousContent ? '(was ' + m.previousContent + ')' : '';
}

function mutationRows(mutations, withName) {
  return mutations.map(m => {
    const tr = el('tr');
    const cause = m.cause ? m.cause + (m.causeId ? ' (' + m.causeId + ')' : '') : m.causeId;
    const cells = [m.time, withName ? m.name : null, m.phase, m.action, content(m), cause, m.error]
        .filter((v, i) => withName || i !== 1);
    for (const v of cells) tr.appendChild(el('td', v || ''));
    if (m.instanceId) {
      // A change of an instance's record leads to the instance.
      tr.tabIndex = 0;
      tr.dataset.instanceId = m.instanceId;
      tr.addEventListener('click', () => showDetail(m.instanceId));
      tr.addEventListener('keydown', ev => { if (ev.key === 'Enter') showDetail(m.instanceId); });
    }
    return tr;
  });
}

let selected = null;

async function showDetail(id) {
  selected = id;
  window.history.replaceState(null, '', '#instance=' + encodeURIComponent(id));
  const target = document.getElementById('detail');
  const { status, body } = await getJson('/v1/instances/' + encodeURIComponent(id));
  target.textContent = status === 200 ? JSON.stringify(body, null, 2) : 'HTTP ' + status + ': ' + JSON.stringify(body);
  await refreshHistory();
}

async function refreshHistory() {
  if (!selected) return;
  const tbody = document.querySelector('#history tbody');
  const { status, body } = await getJson('/v1/mutations?since=P7D&limit=100&instance=' + encodeURIComponent(selected));
  if (status !== 200 || !body) {
    const tr = el('tr');
    tr.appendChild(el('td', 'The history is unavailable right now (HTTP ' + status + ').', 'error'));
    tbody.replaceChildren(tr);
    return;
  }
  tbody.replaceChildren(...mutationRows(body.mutations, false));
}

let lastHour = [];

// The last hour's changes narrowed to a name or an instance (any part of either).
function showMutations() {
  const f = document.getElementById('mutations-filter').value.trim().toLowerCase();
  const shown = f ? lastHour.filter(m => (m.name || '').toLowerCase().includes(f) ||
      (m.instanceId || '').toLowerCase().includes(f)) : lastHour;
  document.querySelector('#mutations tbody').replaceChildren(...mutationRows(shown, true));
}

async function refreshMutations() {
  const error = document.getElementById('mutations-error');
  try {
    const { status, body } = await getJson('/v1/mutations?since=PT1H&limit=100');
    if (status !== 200 || !body) {
      error.textContent = 'DNS changes are unavailable right now (HTTP ' + status + '). The page keeps trying.';
      error.hidden = false;
      return;
    }
    error.hidden = true;
    lastHour = body.mutations;
    showMutations();
  } catch (e) {
    error.textContent = 'DNS changes are unavailable right now: ' + e.message + '. The page keeps trying.';
    error.hidden = false;
  }
}

async function refreshDeadLetters() {
  const target = document.getElementById('dead-letters');
  try {
    const { status, body } = await getJson('/v1/dead-letters?since=PT1H&limit=5');
    if (status !== 200 || !body) return unavailable(target, 'Dead letters', 'HTTP ' + status);
    const reasons = Object.entries(body.byReason);
    if (!reasons.length) return target.replaceChildren(el('span', 'Nothing refused in the last hour.', 'ok'));
    const out = [el('p', reasons.map(([r, n]) => r + ': ' + n).join(', '), 'bad')];
    const ul = el('ul');
    for (const d of body.latest) {
      ul.appendChild(el('li', d.time + ' ' + d.reason + ' (' + (d.source || '') + '): ' + (d.detail || '')));
    }
    out.push(ul);
    target.replaceChildren(...out);
  } catch (e) {
    unavailable(target, 'Dead letters', e.message);
  }
}

async function refreshInstances() {
  const error = document.getElementById('instances-error');
  const tbody = document.querySelector('#instances tbody');
  try {
    const path = '/v1/instances?limit=' + PAGE + (cursor ? '&after=' + encodeURIComponent(cursor) : '');
    const { status, body } = await getJson(path);
    if (status !== 200 || !body) {
      error.textContent = 'Instances are unavailable right now (HTTP ' + status + (body && body.detail ? ': ' + body.detail : '') +
          '). The page keeps trying.';
      error.hidden = false;
      return;
    }
    error.hidden = true;
    nextCursor = body.next;
    const filter = document.getElementById('filter').value.trim();
    const rows = [];
    for (const i of body.instances) {
      if (!matches(i, filter)) continue;
      const tr = el('tr');
      tr.tabIndex = 0;
      tr.dataset.instanceId = i.instanceId;
      for (const v of [i.instanceId, i.source, i.state, i.publicIp, i.privateIp, i.meetingId, i.role,
          i.recordContent ? i.recordName + ' → ' + i.recordContent : '', i.recordStatus, since(i.stateTime)]) {
        tr.appendChild(el('td', v || ''));
      }
      tr.addEventListener('click', () => showDetail(i.instanceId));
      tr.addEventListener('keydown', ev => { if (ev.key === 'Enter') showDetail(i.instanceId); });
      rows.push(tr);
    }
    // Keep the keyboard where it was: the focused row is rebuilt, so focus its successor.
    const focused = document.activeElement && document.activeElement.dataset
        ? document.activeElement.dataset.instanceId : undefined;
    tbody.replaceChildren(...rows);
    if (focused) {
      const again = rows.find(r => r.dataset.instanceId === focused);
      if (again) again.focus();
    }
    document.getElementById('page-info').textContent = 'page ' + pageNumber + ': ' + body.instances.length +
        ' instance(s)' + (filter ? ', ' + rows.length + ' matching' : '') + (nextCursor ? ', more on the next page' : '');
    document.getElementById('next-page').disabled = !nextCursor;
  } catch (e) {
    error.textContent = 'Instances are unavailable right now: ' + e.message + '. The page keeps trying.';
    error.hidden = false;
  }
}

function seats(m) {
  return m.roles.map(role => {
    const held = (m.instances[role] || []).map(i => i.instanceId + ' ' + i.recordStatus).join(', ');
    const seat = m.seats && m.seats[role];
    const launch = seat ? ' (launch ' + seat.launch + (seat.error ? ': ' + seat.error : '') + ')' : '';
    return role + ': ' + (held || 'none') + launch;
  }).join('; ');
}

let selectedMeeting = null;

async function showMeeting(id) {
  selectedMeeting = id;
  window.history.replaceState(null, '', '#meeting=' + encodeURIComponent(id));
  await refreshMeeting();
}

async function refreshMeeting() {
  if (!selectedMeeting) return;
  const summary = document.getElementById('meeting-summary');
  const tbody = document.querySelector('#meeting-timeline tbody');
  const { status, body } = await getJson('/v1/meetings/' + encodeURIComponent(selectedMeeting));
  if (status !== 200 || !body) {
    summary.replaceChildren(el('span', 'Meeting ' + selectedMeeting + ' is unavailable right now (HTTP ' + status + ').',
        'error'));
    return;
  }
  const lines = [el('p', body.meetingId + ': ' + body.status + (body.startsAt ? ', starts ' + body.startsAt : ''))];
  if (body.scheduledAt) {
    lines.push(el('p', 'Scheduled at ' + body.scheduledAt + (body.readyAt ? ', ready at ' + body.readyAt +
        (body.scheduledToReadySeconds !== undefined ? ' (' + body.scheduledToReadySeconds + ' s from scheduled to ready)'
            : '') : ', not ready yet'), body.readyAt ? 'ok' : ''));
  }
  lines.push(el('p', 'Seats: ' + seats(body)));
  for (const [role, url] of Object.entries(body.links || {})) lines.push(el('p', role + ': ' + url));
  summary.replaceChildren(...lines);
  const ids = Object.values(body.instances || {}).flat().map(i => i.instanceId);
  if (!ids.length) {
    tbody.replaceChildren();
    return;
  }
  const t = await getJson('/v1/mutations?since=P1D&limit=200&instance=' + encodeURIComponent(ids.join(',')));
  if (t.status !== 200 || !t.body) {
    const tr = el('tr');
    tr.appendChild(el('td', 'The timeline is unavailable right now (HTTP ' + t.status + ').', 'error'));
    tbody.replaceChildren(tr);
    return;
  }
  tbody.replaceChildren(...mutationRows(t.body.mutations, true));
}

async function refreshMeetings() {
  const error = document.getElementById('meetings-error');
  try {
    const { status, body } = await getJson('/v1/meetings?limit=200');
    if (status !== 200 || !body) {
      error.textContent = 'Meetings are unavailable right now (HTTP ' + status + '). The page keeps trying.';
      error.hidden = false;
      return;
    }
    error.hidden = true;
    const rows = body.meetings.map(m => {
      const tr = el('tr');
      tr.dataset.meetingId = m.meetingId;
      tr.tabIndex = 0;
      tr.addEventListener('click', () => showMeeting(m.meetingId));
      tr.addEventListener('keydown', ev => { if (ev.key === 'Enter') showMeeting(m.meetingId); });
      for (const v of [m.meetingId, m.status, m.startsAt, seats(m)]) tr.appendChild(el('td', v || ''));
      const links = el('td');
      for (const [role, url] of Object.entries(m.links || {})) {
        if (!/^https?:\/\//.test(url)) continue;
        const a = el('a', role);
        a.href = url;
        a.title = url;
        links.appendChild(a);
        links.appendChild(document.createTextNode(' '));
      }
      tr.appendChild(links);
      return tr;
    });
    document.querySelector('#meetings tbody').replaceChildren(...rows);
  } catch (e) {
    error.textContent = 'Meetings are unavailable right now: ' + e.message + '. The page keeps trying.';
    error.hidden = false;
  }
}

function targetCell(t) {
  const last = t.recent && t.recent.length ? t.recent[0].detail : 'not checked yet';
  return el('td', t.target + ': ' + t.health + ' — ' + last, t.health === 'unhealthy' ? 'bad' : '');
}

async function refreshFailover() {
  const error = document.getElementById('failover-error');
  try {
    const { status, body } = await getJson('/v1/failover?limit=200');
    if (status !== 200 || !body) {
      error.textContent = 'Failover names are unavailable right now (HTTP ' + status + '). The page keeps trying.';
      error.hidden = false;
      return;
    }
    error.hidden = true;
    const rows = body.failover.map(f => {
      const tr = el('tr');
      tr.dataset.name = f.name;
      tr.appendChild(el('td', f.record));
      tr.appendChild(el('td', f.target + (f.bothUnhealthy ? ' (both targets fail)' : ''), f.bothUnhealthy ? 'bad' : ''));
      tr.appendChild(el('td', f.address || ''));
      tr.appendChild(targetCell(f.checks.primary));
      tr.appendChild(targetCell(f.checks.secondary));
      tr.appendChild(el('td', f.since ? since(f.since) : ''));
      return tr;
    });
    document.querySelector('#failover tbody').replaceChildren(...rows);
  } catch (e) {
    error.textContent = 'Failover names are unavailable right now: ' + e.message + '. The page keeps trying.';
    error.hidden = false;
  }
}

let ticks = 0;

async function refresh() {
  // The audit windows are read from Kafka: every 5th refresh (10 s) is enough for them.
  const slow = ticks++ % 5 === 0 ? [refreshMutations(), refreshDeadLetters(), refreshHistory(), refreshMeeting()] : [];
  await Promise.all([refreshHealth(), refreshStatus(), refreshCertificate(), refreshInstances(), refreshMeetings(),
    refreshFailover(), ...slow]);
  document.getElementById('updated').textContent = 'Updated ' + new Date().toLocaleTimeString();
}

document.getElementById('next-page').addEventListener('click', () => {
  if (!nextCursor) return;
  pagesBefore.push(cursor);
  cursor = nextCursor;
  pageNumber++;
  refreshInstances();
});
document.getElementById('first-page').addEventListener('click', () => {
  cursor = null;
  pageNumber = 1;
  pagesBefore.length = 0;
  refreshInstances();
});
document.getElementById('filter').addEventListener('input', refreshInstances);
document.getElementById('mutations-filter').addEventListener('input', showMutations);
// A meeting's or an instance's view has an address of its own: #meeting=m-1, #instance=i-….
const linked = /^#(meeting|instance)=(.+)$/.exec(location.hash);
if (linked && linked[1] === 'meeting') showMeeting(decodeURIComponent(linked[2]));
if (linked && linked[1] === 'instance') showDetail(decodeURIComponent(linked[2]));
refresh();
setInterval(refresh, REFRESH_MS);
