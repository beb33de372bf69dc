// Cascade dashboard: plain DOM, no build step. Every value from the server goes in through textContent.
'use strict';

const state = { me: null, rollup: null, intents: new Map(), failedShown: new Map(), pageToken: '', pageShown: '', sitesLoadedAt: 0 };
const $ = (id) => document.getElementById(id);
const el = (tag, text, cls) => {
  const e = document.createElement(tag);
  if (text !== undefined && text !== null) e.textContent = String(text);
  if (cls) e.className = cls;
  return e;
};
const num = (v) => Number(v || 0);

async function call(method, path, body) {
  const init = { method, headers: {}, credentials: 'same-origin' };
  if (method !== 'GET') init.headers['X-Cascade-Request'] = '1';
  if (body !== undefined) init.body = body;
  const r = await fetch(path, init);
  const text = await r.text();
  const json = text ? JSON.parse(text) : {};
  if (!r.ok) throw Object.assign(new Error(json.error || r.statusText), { status: r.status });
  return json;
}

async function boot() {
  try {
    state.me = await call('GET', '/api/session');
  } catch (e) {
    showSignIn();
    return;
  }
  $('signin').hidden = true;
  $('main').hidden = false;
  $('signout').hidden = false;
  $('who').textContent = state.me.name + ' (' + state.me.role + ')';
  await loadIntents();
  await loadSites('');
  listen();
}

function showSignIn() {
  $('main').hidden = true;
  $('signout').hidden = true;
  $('signin').hidden = false;
}

async function signIn() {
  $('signin-error').textContent = '';
  try {
    await call('POST', '/api/session', $('credential').value.trim());
    $('credential').value = '';
    await boot();
  } catch (e) {
    $('signin-error').textContent = e.message;
  }
}

async function loadIntents() {
  const r = await call('GET', '/api/intents?page_size=1000');
  state.intents = new Map((r.intents || []).map((i) => [i.app, i]));
}

function listen() {
  const events = new EventSource('/api/events');
  events.addEventListener('rollup', async (m) => {
    $('live').textContent = 'live';
    const rollup = JSON.parse(m.data);
    // a new app, or an intent newer than the one this page holds (its bundle version and waves): read the intents again
    const newer = (rollup.apps || []).some((a) => {
      const i = state.intents.get(a.counts.app);
      return !i || Math.max(num(a.candidateIntentRevision), num(a.stableIntentRevision)) > num(i.intentRevision);
    });
    if (newer) await loadIntents();
    state.rollup = rollup;
    render();
  });
  events.addEventListener('failed', (m) => { $('live').textContent = 'updates stopped: ' + JSON.parse(m.data); });
  events.onerror = () => { $('live').textContent = 'reconnecting…'; };
}

function render() {
  const r = state.rollup;
  const regions = r.regions || [];
  const body = $('regions').tBodies[0];
  body.replaceChildren();
  let online = 0, offline = 0, unknown = 0;
  const select = $('site-region');
  for (const g of regions) {
    online += num(g.sitesOnline); offline += num(g.sitesOffline); unknown += num(g.sitesUnknown);
    const tr = el('tr');
    tr.dataset.region = g.region;
    tr.append(el('td', g.region), el('td', num(g.sitesOnline) + num(g.sitesOffline) + num(g.sitesUnknown)),
      el('td', num(g.sitesOnline), 'online'), el('td', num(g.sitesOffline), num(g.sitesOffline) ? 'offline' : ''),
      el('td', g.stale ? 'silent for ' + (g.silentFor || '?') : 'ok', g.stale ? 'offline' : 'online'));
    body.append(tr);
    if (![...select.options].some((o) => o.value === g.region)) select.append(new Option(g.region, g.region));
  }
  $('totals').replaceChildren(el('span', online + offline + unknown, null), ' sites: ',
    el('span', online, 'online'), ' online, ', el('span', offline, offline ? 'offline' : ''), ' offline');
  $('totals').firstChild.id = 'total-sites';
  renderRollouts(r.apps || []);
  // the sites table follows too: its current page again, at most every 2 s
  if (Date.now() - state.sitesLoadedAt > 2000) loadSites(state.pageShown);
}

function renderRollouts(apps) {
  const box = $('rollouts');
  $('no-rollouts').hidden = apps.length > 0;
  box.replaceChildren();
  for (const a of apps) {
    const c = a.counts;
    const candidate = a.candidateIntentRevision;
    const current = candidate || a.stableIntentRevision;
    const rev = (c.revisions || []).find((x) => x.intentRevision === current) || {};
    const failed = (c.revisions || []).reduce((s, x) => s + num(x.failed), 0);
    const div = el('div', null, 'rollout');
    div.id = 'rollout-' + c.app;
    div.dataset.state = a.rolloutState;
    div.dataset.wave = num(a.wavePercent);
    const h = el('h3', c.app + ' ');
    h.append(el('span', a.rolloutState, 'state ' + a.rolloutState));
    div.append(h);
    const intent = state.intents.get(c.app);
    div.append(el('p', 'revision ' + current + (intent ? ' · ' + intent.bundleVersion : '') + ' · ' + num(rev.ready) + ' of '
      + num(c.targeted) + ' targeted sites ready · ' + failed + ' failed · ' + num(c.offline) + ' offline', 'summary'));
    div.append(waves(a, intent, num(rev.ready), num(c.targeted), num(c.inWave)));
    if (state.me.canControl) div.append(controls(c.app, a.rolloutState));
    if (failed > 0) div.append(failing(c.app, failed));
    box.append(div);
  }
}

function waves(a, intent, ready, targeted, inWave) {
  const list = ((intent && intent.rollout && intent.rollout.waves) || []).map((w) => num(w.percent));
  if (list.length === 0 || list[list.length - 1] !== 100) list.push(100);
  const at = a.rolloutState === 'STABLE' ? 101 : num(a.wavePercent);
  const box = el('div', null, 'waves');
  for (const p of list) {
    const w = el('div', null, 'wave');
    w.dataset.percent = p;
    // the current wave's sites as the relays count them (a site is in by a hash of its id); others estimated
    const need = p === at && inWave ? inWave : Math.ceil(targeted * p / 100);
    if (p < at) {
      w.classList.add('done');
      w.append(el('div', p + ' %'), el('div', 'done', 'muted'));
    } else if (p === at) {
      w.classList.add('current');
      const bar = el('progress');
      bar.max = Math.max(need, 1);
      bar.value = Math.min(ready, need);
      w.append(el('div', p + ' %'), bar, el('div', Math.min(ready, need) + ' / ' + need + (a.rolloutState === 'PAUSED' ? ' · paused' : ''), 'muted'));
    } else {
      w.append(el('div', p + ' %'), el('div', 'waiting', 'muted'));
    }
    box.append(w);
  }
  return box;
}

function controls(app, rolloutState) {
  const p = el('p', null, 'controls');
  for (const action of ['pause', 'resume', 'rollback']) {
    const b = el('button', action);
    b.dataset.action = action;
    b.disabled = (action === 'pause' && rolloutState !== 'ROLLING_OUT') || (action === 'resume' && rolloutState !== 'PAUSED');
    b.onclick = async () => {
      b.disabled = true;
      try {
        await call('POST', '/api/rollouts/' + encodeURIComponent(app) + '/' + action);
      } catch (e) {
        alert(action + ' ' + app + ': ' + e.message);
      }
    };
    p.append(b, ' ');
  }
  return p;
}

function failing(app, count) {
  const box = el('div', null, 'failing');
  box.append(el('h4', 'Failing sites (' + count + ')'));
  const ul = el('ul');
  box.append(ul);
  const cached = state.failedShown.get(app);
  if (cached && cached.count === count) {
    fillFailing(ul, app, cached.sites);
  } else {
    call('GET', '/api/sites?state=failed&page_size=20&app=' + encodeURIComponent(app)).then((r) => {
      state.failedShown.set(app, { count, sites: r.sites || [] });
      fillFailing(ul, app, r.sites || []);
    }).catch((e) => ul.append(el('li', e.message, 'error')));
  }
  return box;
}

function fillFailing(ul, app, sites) {
  ul.replaceChildren();
  for (const s of sites) {
    const st = (s.status.apps || []).find((x) => x.app === app) || {};
    ul.append(el('li', s.status.site + ' (' + s.status.region + '): ' + (st.message || 'failed')));
  }
}

async function loadSites(token) {
  state.sitesLoadedAt = Date.now();
  state.pageShown = token;
  const q = new URLSearchParams({ page_size: '50', page_token: token });
  if ($('site-search').value.trim()) q.set('q', $('site-search').value.trim());
  if ($('site-region').value) q.set('region', $('site-region').value);
  if ($('site-app').value.trim()) q.set('app', $('site-app').value.trim());
  if ($('site-state').value) q.set('state', $('site-state').value);
  let r;
  try {
    r = await call('GET', '/api/sites?' + q);
  } catch (e) {
    $('page-info').textContent = e.message;
    return;
  }
  state.pageToken = r.nextPageToken || '';
  const body = $('sites').tBodies[0];
  body.replaceChildren();
  for (const s of r.sites || []) {
    const tr = el('tr');
    tr.dataset.site = s.status.site;
    const apps = (s.status.apps || []).map((x) => x.app + ' ' + x.state.toLowerCase()).join(', ');
    tr.append(el('td', s.status.site), el('td', s.status.region), el('td', s.online ? 'online' : 'offline', s.online ? 'online' : 'offline'),
      el('td', apps), el('td', s.lastSeen ? new Date(s.lastSeen).toLocaleTimeString() : ''));
    body.append(tr);
  }
  $('next-page').disabled = !state.pageToken;
  $('page-info').textContent = (r.sites || []).length + ' sites on this page';
}

document.addEventListener('DOMContentLoaded', () => {
  $('signin-button').onclick = signIn;
  $('signout').onclick = async () => { await call('DELETE', '/api/session'); location.reload(); };
  $('site-filter').onsubmit = (e) => { e.preventDefault(); loadSites(''); };
  $('first-page').onclick = () => loadSites('');
  $('next-page').onclick = () => loadSites(state.pageToken);
  boot();
});
