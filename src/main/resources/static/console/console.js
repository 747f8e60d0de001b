// Rebound's console: plain JavaScript over /api, logged in through the webapps' own login (one session for
// the console, Tasklist and Cockpit). Changes carry the webapps' CSRF token, as their own pages do.
'use strict';

(function () {
  const ENGINE = 'default';
  const LIST_REFRESH_MS = 3000;
  const RUN_REFRESH_MS = 2000;
  const FINISHED = ['COMPLETED', 'COMPLETED_WITH_FAILURES', 'REJECTED', 'EXPIRED', 'CANCELLED'];
  const state = { me: null, csrf: null, page: 0, timer: null, runbooks: [] };

  const $ = (id) => document.getElementById(id);

  function el(tag, attributes, ...children) {
    const node = document.createElement(tag);
    Object.entries(attributes || {}).forEach(([key, value]) => {
      if (value === null || value === undefined || value === false) return;
      if (key === 'class') node.className = value;
      else if (key.startsWith('on')) node.addEventListener(key.substring(2), value);
      else node.setAttribute(key, value === true ? '' : value);
    });
    children.flat().forEach((child) => {
      if (child === null || child === undefined) return;
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    });
    return node;
  }

  async function csrfToken() {
    const answer = await fetch('/camunda/api/admin/auth/user/' + ENGINE, { credentials: 'same-origin', headers: { Accept: 'application/json' } });
    state.csrf = answer.headers.get('X-XSRF-TOKEN') || cookie('XSRF-TOKEN') || state.csrf;
    return answer;
  }

  function cookie(name) {
    const found = document.cookie.split('; ').find((c) => c.startsWith(name + '='));
    return found ? decodeURIComponent(found.substring(name.length + 1)) : null;
  }

  async function api(path, options) {
    const init = Object.assign({ credentials: 'same-origin', headers: {} }, options || {});
    init.headers = Object.assign({ Accept: 'application/json', 'X-Requested-With': 'XMLHttpRequest' }, init.headers);
    if (init.method && init.method !== 'GET') {
      if (!state.csrf) await csrfToken();
      init.headers['X-XSRF-TOKEN'] = state.csrf;
      init.headers['Content-Type'] = 'application/json';
    }
    const answer = await fetch(path, init);
    if (answer.status === 401) {
      showLogin();
      throw new Error('not logged in');
    }
    const text = await answer.text();
    let body = null;
    try { body = text ? JSON.parse(text) : null; } catch (e) { body = { message: text }; }
    if (!answer.ok) {
      const error = new Error((body && body.message) || answer.status + ' ' + answer.statusText);
      error.status = answer.status;
      throw error;
    }
    return body;
  }

  // --- login -------------------------------------------------------------------------------------------

  function show(section) {
    ['login', 'runs', 'run', 'start'].forEach((id) => { $(id).hidden = id !== section; });
  }

  function showLogin() {
    stopTimer();
    state.me = null;
    $('who').hidden = true;
    show('login');
    $('username').focus();
  }

  async function login(event) {
    event.preventDefault();
    $('login-error').textContent = '';
    try {
      await csrfToken();
      const form = new URLSearchParams({ username: $('username').value, password: $('password').value });
      const answer = await fetch('/camunda/api/admin/auth/user/' + ENGINE + '/login/welcome', {
        method: 'POST', credentials: 'same-origin', body: form,
        headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'X-XSRF-TOKEN': state.csrf || '', Accept: 'application/json' }
      });
      if (!answer.ok) {
        $('login-error').textContent = answer.status === 401 || answer.status === 403 ? 'Wrong user or password.' : 'Login failed (' + answer.status + ').';
        return;
      }
      // Logging in starts a new session with a token of its own.
      await csrfToken();
      $('password').value = '';
      await start();
    } catch (e) {
      $('login-error').textContent = 'Login failed: ' + e.message;
    }
  }

  async function logout() {
    try {
      if (!state.csrf) await csrfToken();
      await fetch('/camunda/api/admin/auth/user/' + ENGINE + '/logout', {
        method: 'POST', credentials: 'same-origin', headers: { 'X-XSRF-TOKEN': state.csrf || '' }
      });
    } finally {
      state.csrf = null;
      showLogin();
    }
  }

  async function start() {
    try {
      state.me = await api('/api/me');
    } catch (e) {
      if (e.message !== 'not logged in') { showLogin(); $('login-error').textContent = e.message; }
      return;
    }
    if (!state.csrf) await csrfToken();
    $('user-name').textContent = state.me.user;
    $('who').hidden = false;
    const select = $('filter-runbook');
    if (select.options.length === 1) {
      state.me.runbooks.forEach((r) => select.append(el('option', { value: r.key }, r.title)));
    }
    route();
  }

  // --- routing ----------------------------------------------------------------------------------------

  function route() {
    if (!state.me) return;
    stopTimer();
    const match = location.hash.match(/^#\/runs\/([^/?]+)/);
    if (location.hash === '#/start') {
      showStart();
    } else if (match) {
      showRun(decodeURIComponent(match[1]), true);
    } else {
      showRuns(true);
    }
  }

  function stopTimer() {
    if (state.timer) clearTimeout(state.timer);
    state.timer = null;
  }

  function later(fn, ms) {
    stopTimer();
    state.timer = setTimeout(fn, ms);
  }

  // --- formatting -------------------------------------------------------------------------------------

  function when(value) {
    if (!value) return '';
    const date = new Date(value);
    return isNaN(date) ? String(value) : date.toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC');
  }

  function duration(seconds) {
    if (seconds === null || seconds === undefined) return '';
    const h = Math.floor(seconds / 3600);
    const m = Math.floor((seconds % 3600) / 60);
    const s = seconds % 60;
    return (h ? h + ' h ' : '') + (h || m ? m + ' min ' : '') + s + ' s';
  }

  function stateLabel(value) {
    return el('span', { class: 'state state-' + value }, value.replace(/_/g, ' ').toLowerCase());
  }

  function inputsLine(inputs) {
    if (!inputs) return '';
    return Object.entries(inputs).filter(([key]) => key !== 'target')
      .map(([key, value]) => key + ': ' + (typeof value === 'object' ? JSON.stringify(value) : value)).join(', ');
  }

  function progressBar(run, label) {
    if (run.progress === null || run.progress === undefined) return null;
    return el('p', { id: label },
      el('label', { for: label + '-bar' }, 'Progress '),
      el('progress', { id: label + '-bar', max: '100', value: String(run.progress) }, run.progress + '%'),
      ' ', el('span', { class: 'progress-value' }, run.progress + '%'),
      run.eta ? el('span', { class: 'small' }, ' — about done at ' + when(run.eta)) : null);
  }

  function nowCell(run) {
    const parts = [];
    if (run.currentStep && run.currentStep.length) parts.push(el('div', {}, run.currentStep.join(', ')));
    if (run.progress !== null && run.progress !== undefined && !FINISHED.includes(run.state)) {
      parts.push(el('progress', { max: '100', value: String(run.progress), 'aria-label': 'progress of ' + run.id }, run.progress + '%'));
    }
    if (run.retry) parts.push(el('div', { class: 'small' }, 'retrying ' + (run.retry.step || '') + ', attempt ' + run.retry.attempt + ': ' + (run.retry.lastError || '')));
    if (run.incident) parts.push(el('div', { class: 'error' }, run.incident));
    if (!parts.length && run.failureReason) parts.push(el('div', { class: 'small' }, run.failureReason));
    return parts;
  }

  // --- the list ---------------------------------------------------------------------------------------

  function filters() {
    const query = new URLSearchParams();
    ['runbook', 'state', 'target', 'requester'].forEach((name) => {
      const value = $('filter-' + name).value.trim();
      if (value) query.set(name, value);
    });
    query.set('page', String(state.page));
    query.set('size', '50');
    return query;
  }

  async function showRuns(first) {
    show('runs');
    if (first) document.title = 'Runs — Rebound';
    try {
      const page = await api('/api/runs?' + filters());
      const body = $('runs-body');
      body.replaceChildren(...page.runs.map((run) => el('tr', { 'data-run-id': run.id, 'data-state': run.state },
        el('td', {}, el('a', { href: '#/runs/' + encodeURIComponent(run.id) }, run.runbookTitle), el('div', { class: 'small' }, run.id)),
        el('td', {}, stateLabel(run.state)),
        el('td', {}, run.target || ''),
        el('td', { class: 'small' }, inputsLine(run.inputs)),
        el('td', {}, run.requester || ''),
        el('td', {}, run.approver || ''),
        el('td', {}, when(run.startTime)),
        el('td', {}, duration(run.durationSeconds)),
        el('td', {}, nowCell(run)))));
      $('runs-status').textContent = page.runs.length ? '' : 'No runs match.';
      $('page-number').textContent = 'Page ' + (page.page + 1);
      $('previous-page').disabled = page.page === 0;
      $('next-page').disabled = !page.more;
    } catch (e) {
      if (e.message === 'not logged in') return;
      $('runs-status').textContent = 'Could not read the runs: ' + e.message;
    }
    if ($('live').checked && !$('runs').hidden) later(() => showRuns(false), LIST_REFRESH_MS);
  }

  // --- one run ----------------------------------------------------------------------------------------

  function fact(list, term, ...value) {
    list.append(el('dt', {}, term), el('dd', {}, ...value));
  }

  async function showRun(id, first) {
    show('run');
    let detail;
    try {
      detail = await api('/api/runs/' + encodeURIComponent(id));
    } catch (e) {
      if (e.message === 'not logged in') return;
      $('run-status').textContent = 'Could not read the run: ' + e.message;
      if (e.status !== 404 && e.status !== 403) later(() => showRun(id, false), RUN_REFRESH_MS);
      return;
    }
    const run = detail.run;
    $('run-title').textContent = run.runbookTitle + (run.target ? ' on ' + run.target : '');
    if (first) document.title = $('run-title').textContent + ' — Rebound';
    $('run-status').textContent = '';

    const facts = $('run-facts');
    facts.replaceChildren();
    fact(facts, 'State', el('span', { id: 'run-state', 'data-state': run.state }, stateLabel(run.state)));
    if (run.currentStep && run.currentStep.length) fact(facts, 'Now', el('span', { id: 'run-current-step' }, run.currentStep.join(', ')));
    fact(facts, 'Run', run.id);
    fact(facts, 'Requested by', run.requester || '');
    if (run.approver) fact(facts, 'Decided by', run.approver);
    fact(facts, 'Started', when(run.startTime));
    if (run.endTime) fact(facts, 'Ended', when(run.endTime));
    fact(facts, 'Duration', duration(run.durationSeconds));
    if (run.failureReason) fact(facts, 'Reason', el('span', { id: 'run-failure' }, run.failureReason));

    const actions = $('run-actions');
    actions.replaceChildren(
      el('a', { href: run.links.report, id: 'audit-report' }, 'Audit report'),
      el('a', { href: run.links.cockpit }, 'Open in Cockpit'),
      detail.approvalTask ? el('a', { href: detail.approvalTask, id: 'approval-link' }, 'Open the approval in Tasklist') : null,
      detail.cancellable ? el('button', { type: 'button', id: 'cancel-button', class: 'danger', onclick: () => cancel(run.id) }, 'Cancel run') : null);

    const progress = progressBar(run, 'progress');
    $('run-progress').replaceChildren(...(progress ? [progress] : []));
    $('run-retry').replaceChildren(...(run.retry ? [el('p', { class: 'retry', id: 'retry' },
      'The engine retries "' + (run.retry.step || '') + '": attempt ' + run.retry.attempt + ', ' + run.retry.retriesLeft
      + ' left, next at ' + when(run.retry.nextAttemptAt) + '. Last error: ' + (run.retry.lastError || ''))] : []));

    $('incidents-section').hidden = !detail.incidents.length;
    $('incidents').replaceChildren(...detail.incidents.map((incident) => el('li', {},
      el('strong', {}, incident.step || ''), ': ', incident.message || '', ' ', el('span', { class: 'small' }, 'since ' + when(incident.since)), ' ',
      el('a', { href: incident.cockpit }, 'in Cockpit'), ' ',
      incident.retryAllowed ? el('button', { type: 'button', onclick: () => retry(run.id, incident.id) }, 'Retry step') : null)));

    $('timeline-body').replaceChildren(...detail.timeline.map((step) => el('tr', { 'data-outcome': step.outcome },
      el('td', {}, step.name), el('td', {}, step.outcome.toLowerCase()), el('td', {}, when(step.started)), el('td', {}, when(step.ended)),
      el('td', {}, duration(step.durationSeconds)), el('td', {}, String(step.passes)))));

    const approval = $('approval');
    if (detail.approval) {
      const a = detail.approval;
      approval.replaceChildren(el('dl', { class: 'facts' },
        el('dt', {}, 'Decision'), el('dd', { id: 'approval-decision' }, a.decision.toLowerCase()),
        el('dt', {}, 'By'), el('dd', { id: 'approval-by' }, a.by),
        el('dt', {}, 'At'), el('dd', {}, when(a.at)),
        el('dt', {}, 'Comment'), el('dd', { id: 'approval-comment' }, a.comment || ''),
        el('dt', {}, 'Plan hash'), el('dd', { class: 'hash', id: 'approval-plan-hash' }, a.planHash || '')));
    } else {
      approval.replaceChildren(el('p', { id: 'approval-none' }, run.state === 'WAITING_FOR_APPROVAL' ? 'Waiting for a decision.' : 'No decision recorded.'));
    }

    $('comparison-section').hidden = !detail.comparison;
    if (detail.comparison) $('comparison').replaceChildren(comparison(detail.comparison));
    const toolLogs = detail.toolLogs || [];
    $('logs-section').hidden = !toolLogs.length;
    $('logs').replaceChildren(...toolLogs.map((log) => el('div', { class: 'tool-log', 'data-job': log.job },
      el('h3', {}, log.job + ' ', el('span', { class: 'small' }, '(' + log.file + (log.cut ? ', last ' + log.lines.length + ' lines' : '') + ')')),
      el('pre', { tabindex: '0' }, log.lines.join('\n')))));
    $('called-section').hidden = !detail.calledRuns.length;
    $('called').replaceChildren(...detail.calledRuns.map((c) => el('li', {},
      el('a', { href: '#/runs/' + encodeURIComponent(c.id) }, c.runbook + ' ' + c.id), ' ', stateLabel(c.state))));
    $('inputs').textContent = run.inputs ? JSON.stringify(run.inputs, null, 2) : '';
    $('plan-hash').textContent = detail.planHash ? 'SHA-256 ' + detail.planHash : '';
    if ($('plan').textContent !== (detail.plan || 'No plan yet.')) $('plan').textContent = detail.plan || 'No plan yet.';

    if (!FINISHED.includes(run.state) && !$('run').hidden) later(() => showRun(id, false), RUN_REFRESH_MS);
  }

  function comparison(report) {
    const tables = report.tables || [];
    const rows = tables.map((t) => el('tr', {},
      el('td', {}, t.name || '', t.destinationName ? el('div', { class: 'small' }, '→ ' + t.destinationName) : ''),
      el('td', {}, t.status || ''), el('td', {}, t.sourceRows ?? ''), el('td', {}, t.destinationRows ?? ''),
      el('td', {}, t.missingInDestination ?? ''), el('td', {}, t.missingInSource ?? ''), el('td', {}, t.different ?? ''),
      el('td', {}, t.progress ? (t.progress.chunksDone ?? '') + ' / ' + (t.progress.chunksTotal ?? '') : ''),
      el('td', { class: 'small' }, t.error || samples(t.samples))));
    const differing = tables.filter((t) => (t.columnsDiffering || []).length);
    const link = report.links && report.links.report
      ? el('p', {}, el('a', { href: report.links.report, id: 'comparison-report' }, 'Comparison report (Markdown)')) : '';
    return el('div', {}, el('p', { id: 'comparison-verdict' }, report.verdict || ('State: ' + (report.state || ''))), link,
      el('table', {}, el('thead', {}, el('tr', {}, ...['Table', 'Status', 'Source rows', 'Destination rows', 'Missing in destination',
        'Missing in source', 'Different', 'Chunks', 'Sample keys or error'].map((h) => el('th', { scope: 'col' }, h)))), el('tbody', {}, rows)),
      ...differing.map(columnsDiffering));
  }

  /** Sample keys by kind, as words: "different: 7, 8; missing in source: 101". */
  function samples(s) {
    if (!s) return '';
    const kinds = [['missingInDestination', 'missing in destination'], ['missingInSource', 'missing in source'], ['different', 'different']];
    return kinds.filter(([key]) => (s[key] || []).length).map(([key, words]) => words + ': ' + s[key].join(', ')).join('; ');
  }

  /** For one table, the columns that differ in its first different rows, with both values (or withheld). */
  function columnsDiffering(t) {
    const shown = (value, withheld) => withheld ? el('em', {}, 'withheld') : value === null || value === undefined ? el('em', {}, 'NULL') : el('code', {}, value);
    const rows = [];
    for (const row of t.columnsDiffering) {
      if (!row.columns.length) rows.push(el('tr', {}, el('td', {}, el('code', {}, row.key)), el('td', { colspan: '3' }, 'no column differs as text')));
      for (const c of row.columns) {
        rows.push(el('tr', {}, el('td', {}, el('code', {}, row.key)), el('td', {}, c.column), el('td', {}, shown(c.source, c.withheld)),
          el('td', {}, shown(c.destination, c.withheld))));
      }
    }
    return el('div', { class: 'columns-differing', 'data-table': t.name },
      el('h3', {}, 'Columns that differ in ' + t.name),
      el('table', {}, el('thead', {}, el('tr', {}, ...['Key', 'Column', 'Source', 'Destination'].map((h) => el('th', { scope: 'col' }, h)))),
        el('tbody', {}, rows)));
  }

  // --- requesting a schema restore -------------------------------------------------------------------

  /** The start page: the targets that restore schemas and the dump files of the one picked, from /api/targets. */
  async function showStart() {
    show('start');
    $('start-error').textContent = '';
    try {
      const targets = (await api('/api/targets')).filter((t) => t.supports && t.supports.schemaRestore);
      $('start-target').replaceChildren(...targets.map((t) => el('option', { value: t.name }, t.name + ' (' + t.dialect + ')')));
      if (!targets.length) $('start-error').textContent = 'No target has a dump directory.';
      await showDumps();
    } catch (e) {
      $('start-error').textContent = e.message;
    }
  }

  async function showDumps() {
    const target = $('start-target').value;
    $('start-dump').replaceChildren();
    if (!target) return;
    try {
      const dumps = await api('/api/targets/' + encodeURIComponent(target) + '/dumps');
      $('start-dump').replaceChildren(...dumps.map((d) => el('option', { value: d.name }, d.name + ' (' + bytes(d.size) + ', ' + when(d.modifiedAt) + ')')));
      if (!dumps.length) $('start-error').textContent = 'The dump directory of ' + target + ' holds no file.';
    } catch (e) {
      $('start-error').textContent = e.message;
    }
  }

  function bytes(size) {
    const units = ['B', 'KB', 'MB', 'GB', 'TB'];
    let value = size;
    let unit = 0;
    while (value >= 1024 && unit < units.length - 1) { value /= 1024; unit += 1; }
    return (unit ? value.toFixed(1) : String(value)) + ' ' + units[unit];
  }

  async function requestRestore(event) {
    event.preventDefault();
    $('start-error').textContent = '';
    const body = { target: $('start-target').value, dumpFile: $('start-dump').value, safetyExport: $('start-safety').checked };
    const profile = $('start-profile').value.trim();
    if (profile) body.profile = profile;
    try {
      const started = await api('/api/schema-restores', { method: 'POST', body: JSON.stringify(body) });
      location.hash = '#/runs/' + encodeURIComponent(started.id);
    } catch (e) {
      $('start-error').textContent = 'Not requested: ' + e.message;
    }
  }

  async function cancel(id) {
    if (!window.confirm('Cancel this run? It will not go on; a new run must be requested.')) return;
    try {
      await api('/api/runs/' + encodeURIComponent(id) + '/cancel', { method: 'POST', body: '{}' });
      $('run-status').textContent = 'The run was cancelled.';
    } catch (e) {
      $('run-status').textContent = 'Not cancelled: ' + e.message;
    }
    showRun(id, false);
  }

  async function retry(id, incidentId) {
    try {
      await api('/api/runs/' + encodeURIComponent(id) + '/incidents/' + encodeURIComponent(incidentId) + '/retry', { method: 'POST', body: '{}' });
      $('run-status').textContent = 'The step will be tried again.';
    } catch (e) {
      $('run-status').textContent = 'Not retried: ' + e.message;
    }
    showRun(id, false);
  }

  // --- wiring -----------------------------------------------------------------------------------------

  document.addEventListener('DOMContentLoaded', () => {
    $('login-form').addEventListener('submit', login);
    $('start-form').addEventListener('submit', requestRestore);
    $('start-target').addEventListener('change', () => { $('start-error').textContent = ''; showDumps(); });
    $('logout-button').addEventListener('click', logout);
    $('filters').addEventListener('submit', (event) => { event.preventDefault(); state.page = 0; showRuns(true); });
    $('live').addEventListener('change', () => { if ($('live').checked) showRuns(false); else stopTimer(); });
    $('previous-page').addEventListener('click', () => { state.page = Math.max(0, state.page - 1); showRuns(true); });
    $('next-page').addEventListener('click', () => { state.page += 1; showRuns(true); });
    window.addEventListener('hashchange', route);
    start();
  });
})();
