// The reporting loop in the browser: a unit's entry form for a school year
// (#/nhap-lieu[/unit]) and the reviewer's queue (#/duyet). Every write goes
// through the gateway's HTTP/JSON side to the indicators service as the
// signed-in person. The form's checks are the server's own: what is typed
// is sent with validate_only as the person types, so the browser never
// disagrees with the server. What is typed stays in the browser (a draft)
// until the server has it.
import {
  ApiError, approvals, claims, indicators, listAll, plans, reason, registry, requestId, violations,
} from './api.js';
import { downloadCsv, downloadXlsx } from './export.js';
import { collator, date, decimal, escapeHtml, TASK_STATE } from './format.js';
import { readUpload } from './sheets.js';

const COMMUNE_KINDS = ['COMMUNE', 'WARD', 'SPECIAL_ZONE'];
// The city: the Sở reviews the units directly below it.
const CITY = 'units/hai-phong';
export const SUBMISSION_STATE = {
  STATE_UNSPECIFIED: 'Chưa nộp',
  DRAFT: 'Chưa nộp',
  SUBMITTED: 'Đã nộp, chờ duyệt',
  APPROVED: 'Đã duyệt',
  RETURNED: 'Bị trả lại',
};
const COMPARATOR = { GREATER: '>', GREATER_OR_EQUAL: '≥', LESS: '<', LESS_OR_EQUAL: '≤' };
const CSV_HEADER = 'indicator,org_unit,period,disaggregation,numerator,denominator,value,generated';
// A figure that moved this much from last year is flagged for review.
const JUMP_POINTS = 10;

const id = (name) => String(name || '').replace(/^[a-z]+\//, '');

export function previousPeriod(period) {
  const [from, to] = period.split('-').map(Number);
  return `${from - 1}-${to - 1}`;
}

function base64(text) {
  const bytes = new TextEncoder().encode(text);
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary);
}

// A stored value's figure as the roll-up computes it.
function figureOf(indicator, value) {
  if (!value) return '';
  if (indicator.kind === 'RATIO') {
    const n = Number(value.numerator || 0);
    const d = Number(value.denominator || 0);
    if (!d) return '';
    return String(Math.round((n / d) * Number(indicator.factor || 1) * 100) / 100);
  }
  return value.value || '';
}

// The reporting level of a registry unit: SCHOOL, COMMUNE or none.
function levelOf(unit) {
  if (unit.kind === 'SCHOOL') return 'SCHOOL';
  return COMMUNE_KINDS.includes(unit.kind) ? 'COMMUNE' : '';
}

// The indicators a unit reports itself (not computed by another service),
// each with the disaggregations it reports: a school those of the levels it
// teaches.
function reportedBy(unit, all) {
  const level = levelOf(unit);
  const levels = unit.school?.levels || [];
  const rows = [];
  for (const indicator of all) {
    if (indicator.reportingLevel !== level || indicator.periodType !== 'SCHOOL_YEAR') continue;
    if (indicator.source && indicator.source !== 'REPORTED' && indicator.source !== 'VALUE_SOURCE_UNSPECIFIED') continue;
    if (indicator.schoolLevel && !levels.includes(indicator.schoolLevel)) continue;
    let disaggregations = indicator.disaggregations || [];
    if (level === 'SCHOOL' && disaggregations.every((d) => levels.includes(d) || ['MN', 'TH', 'THCS', 'THPT'].includes(d))) {
      disaggregations = disaggregations.filter((d) => levels.includes(d));
      if ((indicator.disaggregations || []).length && !disaggregations.length) continue;
    }
    for (const disaggregation of disaggregations.length ? disaggregations : ['']) {
      rows.push({ key: `${id(indicator.name)}~${disaggregation}`, indicator, disaggregation });
    }
  }
  rows.sort((a, b) => collator.compare(a.indicator.code, b.indicator.code));
  return rows;
}

// The workflow a unit submits in: one with a level for the unit's
// reporting level, preferably one that gates its own figures (a commune
// submits for its schools' figures too).
function workflowFor(workflows, level, rows) {
  const names = new Set(rows.map((r) => r.indicator.name));
  const candidates = workflows.filter((w) => (w.levels || []).some((l) => l.reportingLevel === level));
  return candidates.find((w) => (w.indicators || []).some((n) => names.has(n))) || candidates[0];
}

async function getSubmission(name) {
  try {
    return await approvals('GetSubmission', { name });
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) return { name, state: 'DRAFT' };
    throw error;
  }
}

// "dòng 3, cột numerator: ..." → {line: 3, column: 'numerator', message}.
function parseLineViolation(description) {
  const match = /^dòng (\d+), cột ([^:]+): (.*)$/s.exec(description || '');
  return match ? { line: Number(match[1]), column: match[2], message: match[3] } : null;
}

function errorText(error) {
  if (!(error instanceof ApiError)) return `Không gửi được (mất kết nối?): ${error.message}. Số liệu vẫn được giữ trên máy này.`;
  const why = reason(error);
  if (why === 'SUBMISSION_LOCKED') return `Số liệu đã khóa: ${error.message}`;
  if (error.status === 403) return `Không có quyền: ${error.message}`;
  return error.message;
}

const draftKey = (unit, period) => `hpedu.draft.${unit}.${period}`;
const submitKey = (name) => `hpedu.submit.${name}`;

function loadDraft(unit, period) {
  try {
    return JSON.parse(localStorage.getItem(draftKey(unit, period)) || '{}');
  } catch {
    return {};
  }
}

export async function entryView(app, unitId, period) {
  const unitName = `units/${unitId}`;
  const [unit, all, workflows] = await Promise.all([
    registry('GetUnit', { name: unitName }),
    listAll(indicators, 'ListIndicators', {}, 'indicators'),
    listAll(approvals, 'ListApprovalWorkflows', {}, 'approvalWorkflows'),
  ]);
  const rows = reportedBy(unit, all);
  const level = levelOf(unit);
  const workflow = workflowFor(workflows, level, rows);
  const submissionName = workflow ? `${workflow.name}/submissions/${unitId}~${period}` : '';
  const last = previousPeriod(period);
  const ids = [...new Set(rows.map((r) => r.indicator.name))];
  const [current, previous, targets, submission] = await Promise.all([
    Promise.all(ids.map((parent) => listAll(indicators, 'ListReportedValues', { parent, orgUnit: unitName, period }, 'values'))),
    Promise.all(ids.map((parent) => listAll(indicators, 'ListReportedValues', { parent, orgUnit: unitName, period: last }, 'values'))),
    listAll(indicators, 'ListTargets', { parent: 'indicators/-', orgUnit: unitName }, 'targets'),
    submissionName ? getSubmission(submissionName) : Promise.resolve(null),
  ]);
  const stored = new Map();
  const before = new Map();
  const valueKey = (v) => `${id(v.name.split('/values/')[0])}~${v.disaggregation || ''}`;
  for (const v of current.flat()) stored.set(valueKey(v), v);
  for (const v of previous.flat()) before.set(valueKey(v), v);
  const targetOf = (row) => targets.find((t) => t.name.startsWith(`${row.indicator.name}/`) && (t.disaggregation || '') === row.disaggregation
    && (t.horizon === period || !/-/.test(t.horizon)));

  const draft = loadDraft(unitId, period);
  const locked = submission && ['SUBMITTED', 'APPROVED'].includes(submission.state);
  const state = submission?.state || 'DRAFT';
  const canSubmit = submission && (state === 'DRAFT' || state === 'RETURNED' || state === 'STATE_UNSPECIFIED');

  app.innerHTML = `<p class="crumbs"><a href="#/">Thành phố</a> › Nhập số liệu</p>
    <h1 id="view-title">Nhập số liệu: ${escapeHtml(unit.displayName)} — năm học ${escapeHtml(period)}</h1>
    ${submission ? `<p class="submission ${state.toLowerCase()}" id="submission-state" data-state="${escapeHtml(state)}">
      Tình trạng: <strong>${escapeHtml(SUBMISSION_STATE[state])}</strong>${submission.reason ? ` — lý do: <em id="submission-reason">${escapeHtml(submission.reason)}</em>` : ''}
      ${locked ? '<br>Số liệu đã khóa; muốn sửa, cấp trên cần trả lại hoặc hủy duyệt.' : ''}</p>` : '<p class="muted">Các chỉ tiêu này không cần duyệt.</p>'}
    <section class="block entry">
      <div class="table-scroll"><table id="entry"><thead><tr>
        <th>Mã</th><th>Chỉ tiêu</th><th class="num">Năm trước</th><th class="num">Chỉ tiêu đặt ra</th>
        <th>Tử số / giá trị</th><th>Mẫu số</th><th class="num">Kết quả</th><th>Kiểm tra</th>
      </tr></thead><tbody></tbody></table></div>
      <p id="entry-message" class="muted" aria-live="polite"></p>
      <div class="actions">
        <button type="button" id="save" ${locked ? 'disabled' : ''}>Lưu số liệu</button>
        ${canSubmit ? '<button type="button" id="submit">Nộp để duyệt</button>' : ''}
      </div>
    </section>
    <section class="block upload">
      <h3>Nhập từ tệp CSV hoặc XLSX</h3>
      <p class="muted">Tải mẫu của đơn vị, điền số liệu rồi tải lên. Cả tệp được kiểm tra trước, lỗi báo theo số dòng, và chỉ ghi khi cả tệp hợp lệ.</p>
      <div class="actions"><button type="button" id="template-xlsx">Tải mẫu XLSX</button>
        <button type="button" id="template-csv">Tải mẫu CSV</button>
        <label class="file-button${locked ? ' disabled' : ''}">Chọn tệp CSV hoặc XLSX để tải lên…<input type="file" id="upload-file" class="visually-hidden" accept=".csv,.xlsx" ${locked ? 'disabled' : ''}></label></div>
      <div id="upload-result" aria-live="polite"></div>
    </section>`;
  const body = app.querySelector('#entry tbody');
  for (const row of rows) {
    const v = draft[row.key] || stored.get(row.key) || {};
    const ratio = row.indicator.kind === 'RATIO';
    const target = targetOf(row);
    const tr = document.createElement('tr');
    tr.dataset.row = row.key;
    tr.innerHTML = `<td data-col="code">${escapeHtml(row.indicator.code)}</td>
      <td data-col="name">${escapeHtml(row.indicator.displayName)}${row.disaggregation ? ` (${escapeHtml(row.disaggregation)})` : ''} <small class="muted">${escapeHtml(row.indicator.unitLabel)}</small></td>
      <td class="num" data-col="last" data-label="Năm trước">${decimal(figureOf(row.indicator, before.get(row.key)))}</td>
      <td class="num" data-col="target" data-label="Chỉ tiêu">${target ? `${COMPARATOR[target.comparator] || ''} ${decimal(target.value)}` : '—'}</td>
      <td data-label="${ratio ? 'Tử số' : 'Giá trị'}"><input inputmode="${ratio ? 'numeric' : 'decimal'}" name="${ratio ? 'numerator' : 'value'}" aria-label="${ratio ? 'Tử số' : 'Giá trị'} ${escapeHtml(row.indicator.code)}" value="${escapeHtml(ratio ? v.numerator ?? '' : v.value ?? '')}" ${locked ? 'disabled' : ''}></td>
      <td data-label="${ratio ? 'Mẫu số' : ''}">${ratio ? `<input inputmode="numeric" name="denominator" aria-label="Mẫu số ${escapeHtml(row.indicator.code)}" value="${escapeHtml(v.denominator ?? '')}" ${locked ? 'disabled' : ''}>` : ''}</td>
      <td class="num" data-col="figure" data-label="Kết quả"></td>
      <td class="check" data-col="check"></td>`;
    body.appendChild(tr);
  }

  const message = app.querySelector('#entry-message');
  const input = (tr, name) => tr.querySelector(`input[name="${name}"]`)?.value.trim() ?? '';
  // What the person typed that the server does not have yet.
  function typed() {
    const out = {};
    for (const tr of body.querySelectorAll('tr')) {
      const v = { numerator: input(tr, 'numerator'), denominator: input(tr, 'denominator'), value: input(tr, 'value') };
      const had = stored.get(tr.dataset.row) || {};
      const same = (had.numerator ?? '') === v.numerator && (had.denominator ?? '') === v.denominator
        && (had.value ?? '') === v.value;
      if ((v.numerator || v.denominator || v.value) && !same) out[tr.dataset.row] = v;
    }
    return out;
  }
  // The CSV of what is typed, and the row of each line.
  function csv() {
    const lines = [CSV_HEADER];
    const keys = [];
    for (const [key, v] of Object.entries(typed())) {
      const row = rows.find((r) => r.key === key);
      lines.push([row.indicator.code, unitId, period, row.disaggregation, v.numerator, v.denominator, v.value, 'false'].join(','));
      keys.push(key);
    }
    return { text: `${lines.join('\n')}\n`, keys };
  }
  function showFigures() {
    for (const tr of body.querySelectorAll('tr')) {
      const row = rows.find((r) => r.key === tr.dataset.row);
      const v = { numerator: input(tr, 'numerator'), denominator: input(tr, 'denominator'), value: input(tr, 'value') };
      tr.querySelector('[data-col="figure"]').textContent = decimal(figureOf(row.indicator, v));
    }
  }
  function showChecks(keys, errors, outliers) {
    for (const tr of body.querySelectorAll('tr')) {
      const cell = tr.querySelector('[data-col="check"]');
      const problems = errors.filter((e) => keys[e.line - 2] === tr.dataset.row);
      // Rows not sent keep the flag the server stored with their value.
      const outlier = keys.includes(tr.dataset.row)
        ? outliers.some((line) => keys[line - 2] === tr.dataset.row)
        : Boolean(stored.get(tr.dataset.row)?.outlier);
      tr.classList.toggle('invalid', problems.length > 0);
      tr.classList.toggle('flagged', outlier);
      cell.innerHTML = problems.length
        ? problems.map((p) => `<span class="error">${escapeHtml(p.message)}</span>`).join('<br>')
        : outlier ? '<span class="warning">Khác xa các năm trước: kiểm tra lại</span>' : '';
    }
  }
  // Runs the server's checks on what is typed; true if it would be written.
  let checking = 0;
  async function check(commit = false) {
    const { text, keys } = csv();
    const mine = ++checking;
    if (keys.length === 0) {
      showChecks([], [], []);
      return { ok: true, keys, response: { created: 0, corrected: 0, unchanged: 0 } };
    }
    try {
      const response = await indicators('ImportReportedValues', { csvContent: base64(text), validateOnly: !commit });
      if (mine === checking || commit) showChecks(keys, [], response.outlierLines || []);
      return { ok: true, keys, response };
    } catch (error) {
      const lines = violations(error).map((v) => parseLineViolation(v.description)).filter(Boolean);
      if (mine === checking || commit) {
        showChecks(keys, lines, []);
        message.textContent = lines.length ? `${lines.length} giá trị cần sửa.` : errorText(error);
        message.className = 'error';
      }
      return { ok: false, keys, error };
    }
  }
  let timer;
  body.addEventListener('input', () => {
    localStorage.setItem(draftKey(unitId, period), JSON.stringify(typed()));
    message.textContent = 'Bản nháp được giữ trên máy này cho đến khi lưu.';
    message.className = 'muted';
    showFigures();
    clearTimeout(timer);
    timer = setTimeout(() => { check(); }, 350);
  });
  showFigures();
  showChecks([], [], []);
  if (Object.keys(draft).length) {
    message.textContent = 'Có bản nháp chưa lưu từ lần trước (giữ trên máy này).';
    check();
  }

  // The template: the import's own columns, one line per figure of the
  // form, with what the server has.
  const templateColumns = CSV_HEADER.split(',').map((key) => ({ key, label: key }));
  const templateRows = () => rows.map((row) => {
    const v = stored.get(row.key) || {};
    return {
      indicator: row.indicator.code, org_unit: unitId, period, disaggregation: row.disaggregation,
      numerator: v.numerator ?? '', denominator: v.denominator ?? '', value: v.value ?? '', generated: 'false',
    };
  });
  const templateName = `mau-so-lieu-${unitId}-${period}`;
  app.querySelector('#template-xlsx').addEventListener('click', () => downloadXlsx(templateName, templateColumns, templateRows()));
  app.querySelector('#template-csv').addEventListener('click', () => downloadCsv(templateName, templateColumns, templateRows()));
  const result = app.querySelector('#upload-result');
  app.querySelector('#upload-file').addEventListener('change', async (event) => {
    const file = event.target.files[0];
    if (!file) return;
    result.innerHTML = `<p class="muted">Đang kiểm tra ${escapeHtml(file.name)}…</p>`;
    let upload;
    try {
      upload = await readUpload(file);
    } catch (error) {
      result.innerHTML = `<p class="error">Không đọc được tệp: ${escapeHtml(error.message)}</p>`;
      return;
    }
    const sheetRow = (line) => (upload.rows ? upload.rows[line - 1] ?? line : line);
    const request = { csvContent: base64(upload.csv) };
    try {
      const dry = await indicators('ImportReportedValues', { ...request, validateOnly: true });
      const flagged = (dry.outlierLines || []).map(sheetRow);
      result.innerHTML = `<p class="ok" id="upload-ok">Tệp hợp lệ: ${dry.created || 0} giá trị mới, ${dry.corrected || 0} sửa, ${dry.unchanged || 0} không đổi.${flagged.length ? ` Khác xa các năm trước ở dòng ${flagged.join(', ')}.` : ''}</p>
        <button type="button" id="upload-commit">Ghi số liệu từ tệp</button>`;
      const commit = result.querySelector('#upload-commit');
      commit.addEventListener('click', async () => {
        commit.disabled = true;
        try {
          const done = await indicators('ImportReportedValues', request);
          await entryView(app, unitId, period);
          app.querySelector('#entry-message').textContent = `Đã ghi từ tệp: ${done.created || 0} mới, ${done.corrected || 0} sửa, ${done.unchanged || 0} không đổi.`;
          app.querySelector('#entry-message').className = 'ok';
        } catch (error) {
          result.innerHTML = `<p class="error">${escapeHtml(errorText(error))}</p>`;
        }
      });
    } catch (error) {
      const lines = violations(error).map((v) => parseLineViolation(v.description)).filter(Boolean);
      result.innerHTML = lines.length
        ? `<p class="error">Tệp có ${lines.length} lỗi; chưa ghi gì. Sửa rồi tải lên lại:</p><ul id="upload-errors">${lines.map((l) => `<li data-line="${sheetRow(l.line)}">Dòng ${sheetRow(l.line)}, cột ${escapeHtml(l.column)}: ${escapeHtml(l.message)}</li>`).join('')}</ul>`
        : `<p class="error">${escapeHtml(errorText(error))}</p>`;
    } finally {
      event.target.value = '';
    }
  });

  const save = app.querySelector('#save');
  async function saveAll() {
    const result = await check(true);
    if (!result.ok) return false;
    const saved = typed();
    for (const key of result.keys) stored.set(key, { ...(stored.get(key) || {}), ...saved[key] });
    localStorage.removeItem(draftKey(unitId, period));
    const r = result.response;
    message.textContent = `Đã lưu: ${r.created || 0} mới, ${r.corrected || 0} sửa, ${r.unchanged || 0} không đổi.`;
    message.className = 'ok';
    return true;
  }
  save?.addEventListener('click', async () => {
    save.disabled = true;
    try {
      await saveAll();
    } finally {
      save.disabled = false;
    }
  });
  const submit = app.querySelector('#submit');
  submit?.addEventListener('click', async () => {
    submit.disabled = true;
    try {
      if (!(await saveAll())) return;
      // A retry (a lost answer, a second click) sends the same request id:
      // the server answers with what the first one did.
      const key = submitKey(`${submissionName}|${submission.etag || ''}`);
      const rid = localStorage.getItem(key) || requestId();
      localStorage.setItem(key, rid);
      await approvals('SubmitValues', { name: submissionName, requestId: rid });
      localStorage.removeItem(key);
      await entryView(app, unitId, period);
      app.querySelector('#entry-message').textContent = 'Đã nộp để cấp trên duyệt.';
    } catch (error) {
      message.textContent = errorText(error);
      message.className = 'error';
    } finally {
      submit.disabled = false;
    }
  });
}

// The children of the reviewer's unit with each one's figures of a period,
// unapproved ones included: {unit name → {indicator → value}}.
async function childFigures(orgUnit, period) {
  const rollUp = await indicators('RollUp', { indicator: 'indicators/-', period, orgUnit, drillDown: true, includeUnapproved: true });
  const out = new Map();
  for (const item of rollUp.rollUps || []) {
    for (const figure of item.children || []) {
      if (!out.has(figure.orgUnit)) out.set(figure.orgUnit, new Map());
      out.get(figure.orgUnit).set(item.total?.indicator || figure.indicator, figure.value);
    }
  }
  return out;
}

// What waits for the signed-in reviewer, oldest first, with each unit's
// figures against last year; approve, return or unapprove one, or approve
// the checked ones in one action.
export async function reviewView(app, period) {
  const c = claims();
  const communeOfficer = c.role === 'commune_officer';
  const scope = communeOfficer ? c.unit : CITY;
  const [workflows, all] = await Promise.all([
    listAll(approvals, 'ListApprovalWorkflows', {}, 'approvalWorkflows'),
    listAll(indicators, 'ListIndicators', {}, 'indicators'),
  ]);
  const codes = new Map(all.map((i) => [i.name, i.code]));
  const [lists, units, now, then] = await Promise.all([
    Promise.all(workflows.map((w) => listAll(approvals, 'ListSubmissions', { parent: w.name, period }, 'submissions'))),
    listAll(registry, 'ListUnits', { parent: scope }, 'units'),
    childFigures(scope, period).catch(() => new Map()),
    childFigures(scope, previousPeriod(period)).catch(() => new Map()),
  ]);
  const names = new Map(units.map((u) => [u.name, u.displayName]));
  // A commune officer reviews its schools; the Sở the communes.
  const mine = lists.flat().filter((s) => (communeOfficer
    ? s.commune === c.unit && s.orgUnit !== c.unit
    : s.orgUnit === s.commune));
  const byTime = (a, b) => String(a.updateTime).localeCompare(String(b.updateTime));
  const waiting = mine.filter((s) => s.state === 'SUBMITTED').sort(byTime);
  const approved = mine.filter((s) => s.state === 'APPROVED').sort(byTime);
  const returned = mine.filter((s) => s.state === 'RETURNED').sort(byTime);
  // Coverage: the units below that have not submitted at all.
  const submitted = new Set(mine.map((s) => s.orgUnit));
  const missing = units
    .filter((u) => (communeOfficer ? u.kind === 'SCHOOL' : COMMUNE_KINDS.includes(u.kind)) && !submitted.has(u.name))
    .map((u) => u.displayName)
    .sort(collator.compare);

  const changes = (s) => {
    const current = now.get(s.orgUnit) || new Map();
    const before = then.get(s.orgUnit) || new Map();
    const lines = [];
    for (const [code, value] of current) {
      if (value === '' || value === undefined) continue;
      const last = before.get(code);
      const delta = last !== undefined && last !== '' ? Number(value) - Number(last) : undefined;
      lines.push({ code: codes.get(code) || id(code), value, last, delta, flagged: delta !== undefined && Math.abs(delta) >= JUMP_POINTS });
    }
    return lines.sort((a, b) => collator.compare(a.code, b.code));
  };
  const detail = (s) => {
    const lines = changes(s);
    const flagged = lines.filter((l) => l.flagged);
    return `<details><summary>${lines.length} chỉ tiêu; <span class="${flagged.length ? 'warning' : ''}" data-col="flagged">${flagged.length} thay đổi lớn</span></summary>
      <table class="compact"><thead><tr><th>Mã</th><th class="num">Năm nay</th><th class="num">Năm trước</th><th class="num">Thay đổi</th></tr></thead><tbody>
      ${lines.map((l) => `<tr class="${l.flagged ? 'flagged' : ''}"><td>${escapeHtml(l.code)}</td><td class="num">${decimal(l.value)}</td><td class="num">${decimal(l.last)}</td><td class="num">${l.delta === undefined ? '—' : decimal(Math.round(l.delta * 100) / 100)}${l.flagged ? ' ⚑' : ''}</td></tr>`).join('')}
      </tbody></table></details>`;
  };
  const unitName = (s) => escapeHtml(names.get(s.orgUnit) || id(s.orgUnit));
  const when = (s) => (s.updateTime ? new Date(s.updateTime).toLocaleString('vi-VN') : '');
  const row = (s, actions) => `<tr data-submission="${escapeHtml(s.name)}" data-unit="${escapeHtml(s.orgUnit)}">
      ${actions.includes('check') ? `<td><input type="checkbox" class="pick" aria-label="Chọn ${unitName(s)}"></td>` : '<td></td>'}
      <td>${unitName(s)}</td><td>${escapeHtml(when(s))}</td><td>${detail(s)}</td>
      <td>${s.reason ? escapeHtml(s.reason) : ''}</td>
      <td class="actions">${actions.includes('approve') ? '<button type="button" data-action="approve">Duyệt</button> <button type="button" data-action="return">Trả lại</button>' : ''}
      ${actions.includes('unapprove') ? '<button type="button" data-action="unapprove">Hủy duyệt</button>' : ''}</td></tr>`;
  const table = (tableId, items, actions, empty) => `<table id="${tableId}"><thead><tr><th></th><th>Đơn vị</th><th>Cập nhật</th><th>Số liệu so với năm trước</th><th>Lý do</th><th></th></tr></thead>
    <tbody>${items.length ? items.map((s) => row(s, actions)).join('') : `<tr><td colspan="6" class="empty">${empty}</td></tr>`}</tbody></table>`;

  app.innerHTML = `<div id="review"><h1 id="view-title">Duyệt số liệu — năm học ${escapeHtml(period)}</h1>
    <div class="cards"><div class="card"><span>Chờ duyệt</span><strong id="waiting-count">${waiting.length}</strong></div>
      <div class="card"><span>Đã duyệt</span><strong id="approved-count">${approved.length}</strong></div>
      <div class="card"><span>Bị trả lại</span><strong id="returned-count">${returned.length}</strong></div>
      <div class="card"><span>Chưa nộp</span><strong id="missing-count">${missing.length}</strong></div></div>
    ${missing.length ? `<details class="block"><summary>Chưa nộp: ${missing.length} ${communeOfficer ? 'trường' : 'xã, phường, đặc khu'}</summary><p id="missing">${missing.map(escapeHtml).join(', ')}</p></details>` : ''}
    <p id="review-message" aria-live="polite"></p>
    <section class="block"><div class="table-head"><h3>Chờ duyệt (cũ nhất trước)</h3>
      <button type="button" id="approve-checked" ${waiting.length ? '' : 'disabled'}>Duyệt các đơn vị đã chọn</button></div>
      <label><input type="checkbox" id="pick-all"> Chọn tất cả</label>
      <div class="table-scroll">${table('queue', waiting, ['check', 'approve'], 'Không có gì chờ duyệt')}</div></section>
    <section class="block"><h3>Đã duyệt</h3><div class="table-scroll">${table('approved', approved, ['unapprove'], 'Chưa duyệt đơn vị nào')}</div></section>
    <section class="block"><h3>Bị trả lại</h3><div class="table-scroll">${table('returned', returned, [], 'Không có')}</div></section></div>`;
  const message = app.querySelector('#review-message');
  const submissions = new Map(mine.map((s) => [s.name, s]));
  async function act(action, name, why) {
    const s = submissions.get(name);
    const request = { name, etag: s.etag, requestId: requestId() };
    if (action === 'approve') return approvals('ApproveSubmission', request);
    return approvals(action === 'return' ? 'ReturnSubmission' : 'UnapproveSubmission', { ...request, reason: why });
  }
  async function run(action, names, why) {
    message.className = 'muted';
    message.textContent = 'Đang gửi…';
    const failures = [];
    for (const name of names) {
      try {
        await act(action, name, why);
      } catch (error) {
        failures.push(`${names.length > 1 ? `${id(submissions.get(name).orgUnit)}: ` : ''}${errorText(error)}`);
      }
    }
    await reviewView(app, period);
    const done = { approve: 'Đã duyệt', return: 'Đã trả lại', unapprove: 'Đã hủy duyệt' }[action];
    const after = app.querySelector('#review-message');
    after.className = failures.length ? 'error' : 'ok';
    after.textContent = failures.length ? failures.join('; ') : `${done} ${names.length} đơn vị.`;
  }
  app.querySelector('#pick-all').addEventListener('change', (event) => {
    for (const box of app.querySelectorAll('#queue .pick')) box.checked = event.target.checked;
  });
  app.querySelector('#approve-checked').addEventListener('click', () => {
    const names = [...app.querySelectorAll('#queue .pick:checked')].map((b) => b.closest('tr').dataset.submission);
    if (names.length) run('approve', names);
  });
  app.querySelector('#review').addEventListener('click', (event) => {
    const button = event.target.closest('button[data-action]');
    if (!button) return;
    const name = button.closest('tr').dataset.submission;
    const action = button.dataset.action;
    if (action === 'approve') return run(action, [name]);
    // Returning and unapproving need a reason.
    const cell = button.closest('td');
    cell.innerHTML = `<form class="reason"><input name="reason" required placeholder="Lý do (bắt buộc)" aria-label="Lý do">
      <button type="submit">${action === 'return' ? 'Trả lại' : 'Hủy duyệt'}</button></form>`;
    const form = cell.querySelector('form');
    form.querySelector('input').focus();
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      run(action, [name], form.querySelector('input').value.trim());
    });
  });
}

// The plan tasks the signed-in unit leads or received by cascade, with a
// status report per task: state, progress and evidence (a link or a note).
// Every report is history (PlansService keeps them all); the task shows
// the latest.
export async function tasksView(app) {
  const c = claims();
  const documents = await listAll(plans, 'ListDocuments', {}, 'documents');
  const lists = await Promise.all(documents.map((d) =>
    listAll(plans, 'ListTasks', { parent: d.name, includeCascaded: true }, 'tasks')));
  const titles = new Map(documents.map((d) => [d.name, d.number || d.title]));
  // Tasks without a computable deadline last.
  const due = (t) => {
    const d = t.time?.dueDate;
    return d?.year ? `${d.year}-${String(d.month).padStart(2, '0')}-${String(d.day).padStart(2, '0')}` : '9999';
  };
  const mine = lists.flat()
    .filter((t) => t.leadAgency === c.unit || t.commune === c.unit)
    .sort((a, b) => due(a).localeCompare(due(b)));
  const states = ['NOT_STARTED', 'IN_PROGRESS', 'DONE', 'CANCELLED'];
  app.innerHTML = `<h1 id="view-title">Báo cáo tiến độ nhiệm vụ</h1>
    <p class="muted">Các nhiệm vụ đơn vị chủ trì hoặc được giao theo văn bản của thành phố, hạn gần nhất trước. Mỗi báo cáo được lưu lại thành lịch sử.</p>
    <section class="block"><div class="table-scroll"><table id="tasks"><thead><tr>
      <th>Văn bản</th><th>Nhiệm vụ</th><th>Hạn</th><th>Trạng thái</th><th class="num">Tiến độ</th><th>Báo cáo mới</th>
    </tr></thead><tbody>${mine.length ? mine.map((t) => `<tr data-task="${escapeHtml(t.name)}">
      <td>${escapeHtml(titles.get(t.name.split('/tasks/')[0]) || '')}</td>
      <td>${escapeHtml(t.content)}</td>
      <td>${escapeHtml(t.time?.dueDate ? date(t.time.dueDate) : t.time?.text || '')}</td>
      <td data-col="state">${escapeHtml(TASK_STATE[t.state] || '—')}</td>
      <td class="num" data-col="progress">${t.progressPercent ?? 0}%</td>
      <td><form class="status-report" novalidate>
        <select name="state" aria-label="Trạng thái">${states.map((s) => `<option value="${s}" ${s === (t.state === 'DONE_LATE' ? 'DONE' : t.state) ? 'selected' : ''}>${escapeHtml(TASK_STATE[s])}</option>`).join('')}</select>
        <input name="progress" type="number" min="0" max="100" value="${t.progressPercent ?? 0}" aria-label="Tiến độ (%)">
        <input name="evidence" placeholder="Minh chứng: đường dẫn hoặc ghi chú" aria-label="Minh chứng">
        <button type="submit">Gửi báo cáo</button><span class="report-message" aria-live="polite"></span></form></td>
    </tr>`).join('') : '<tr><td colspan="6" class="empty">Đơn vị không có nhiệm vụ nào</td></tr>'}</tbody></table></div></section>`;
  app.querySelector('#tasks').addEventListener('submit', async (event) => {
    event.preventDefault();
    const form = event.target;
    const tr = form.closest('tr');
    const button = form.querySelector('button');
    const message = form.querySelector('.report-message');
    button.disabled = true;
    try {
      await plans('CreateStatusReport', {
        parent: tr.dataset.task,
        statusReport: {
          state: form.state.value,
          progressPercent: Number(form.progress.value || 0),
          evidence: form.evidence.value.trim(),
        },
      });
      const task = await plans('GetTask', { name: tr.dataset.task });
      tr.querySelector('[data-col="state"]').textContent = TASK_STATE[task.state] || '—';
      tr.querySelector('[data-col="progress"]').textContent = `${task.progressPercent ?? 0}%`;
      message.className = 'report-message ok';
      message.textContent = 'Đã ghi';
    } catch (error) {
      message.className = 'report-message error';
      message.textContent = errorText(error);
    } finally {
      button.disabled = false;
    }
  });
}

const REPORT_STATE = {
  ON_TIME: 'Đúng hạn', LATE: 'Muộn', MISSING: 'Chưa nộp (quá hạn)', PENDING: 'Sắp đến hạn',
};
// Missing and late first, then by due date.
const REPORT_ORDER = { MISSING: 0, LATE: 1, PENDING: 2, ON_TIME: 3 };
const isoOf = (d) => (d?.year ? `${d.year}-${String(d.month).padStart(2, '0')}-${String(d.day).padStart(2, '0')}` : '');

// A commune's own deadlines, each with a form to submit what is due.
function ownTable(entries) {
  return `<div class="table-scroll"><table class="cycle-entries"><thead><tr><th>Hạn</th><th>Tình trạng</th><th>Ngày nộp</th><th>Nộp báo cáo</th></tr></thead>
    <tbody>${entries.map((e) => `<tr data-unit="${escapeHtml(e.unit)}" data-due="${isoOf(e.dueDate)}" data-state="${escapeHtml(e.state)}">
      <td>${date(e.dueDate)}</td>
      <td class="${e.state === 'MISSING' || e.state === 'LATE' ? 'warning' : ''}">${escapeHtml(REPORT_STATE[e.state] || '')}</td>
      <td>${date(e.submittedDate)}</td>
      <td>${e.state === 'MISSING' || e.state === 'PENDING' ? `<form class="submit-report" novalidate>
        <input name="evidence" placeholder="Số văn bản hoặc đường dẫn" aria-label="Minh chứng">
        <button type="submit">Nộp</button><span class="report-message" aria-live="polite"></span></form>` : ''}</td>
    </tr>`).join('') || '<tr><td colspan="4" class="empty">Không có hạn nộp nào đã qua hoặc sắp đến</td></tr>'}</tbody></table></div>`;
}

// Every unit against every due date: those with the most missed first.
function matrix(entries, names) {
  const dues = [...new Set(entries.map((e) => isoOf(e.dueDate)))].sort();
  const byUnit = new Map();
  for (const e of entries) {
    if (!byUnit.has(e.unit)) byUnit.set(e.unit, new Map());
    byUnit.get(e.unit).set(isoOf(e.dueDate), e);
  }
  const missed = (unit) => [...byUnit.get(unit).values()].filter((e) => e.state === 'MISSING').length;
  const unitsInOrder = [...byUnit.keys()].sort((a, b) => (missed(b) - missed(a))
    || collator.compare(names.get(a) || a, names.get(b) || b));
  const label = (iso) => date(isoToProto(iso));
  return `<div class="table-scroll"><table class="cycle-entries"><thead><tr><th>Xã, phường, đặc khu</th>${dues.map((d) => `<th>Hạn ${label(d)}</th>`).join('')}</tr></thead>
    <tbody>${unitsInOrder.map((unit) => `<tr data-unit="${escapeHtml(unit)}"><td>${escapeHtml(names.get(unit) || id(unit))}</td>
      ${dues.map((d) => {
        const e = byUnit.get(unit).get(d);
        return e ? `<td data-due="${d}" data-state="${escapeHtml(e.state)}" class="${e.state === 'MISSING' || e.state === 'LATE' ? 'warning' : ''}">${escapeHtml(REPORT_STATE[e.state] || '')}${e.submittedDate ? ` (${date(e.submittedDate)})` : ''}</td>` : '<td></td>';
      }).join('')}</tr>`).join('') || `<tr><td colspan="${dues.length + 1}" class="empty">Không có hạn nộp nào đã qua hoặc sắp đến</td></tr>`}</tbody></table></div>`;
}

const isoToProto = (iso) => {
  const [year, month, day] = iso.split('-').map(Number);
  return { year, month, day };
};

// The periodic report cycles (kỳ báo cáo) and who reported on time, late
// or not at all; a commune officer sees their own commune's and submits a
// report for a due date.
export async function cyclesView(app) {
  const c = claims();
  const own = c.role === 'commune_officer' ? c.unit : '';
  const [cycles, units] = await Promise.all([
    listAll(plans, 'ListReportCycles', { parent: 'documents/-' }, 'reportCycles'),
    listAll(registry, 'ListUnits', { parent: CITY }, 'units'),
  ]);
  const names = new Map(units.map((u) => [u.name, u.displayName]));
  const statuses = await Promise.all(cycles.map((cycle) =>
    plans('GetSubmissionStatus', { reportCycle: cycle.name, horizonDays: 31 })));
  app.innerHTML = `<div id="cycles"><h1 id="view-title">Báo cáo định kỳ${own ? ` — ${escapeHtml(names.get(own) || id(own))}` : ''}</h1>
    ${cycles.length ? '' : '<p class="muted">Chưa có kỳ báo cáo nào.</p>'}</div>`;
  const root = app.querySelector('#cycles');
  cycles.forEach((cycle, i) => {
    const status = statuses[i];
    const entries = (status.entries || [])
      .filter((e) => !own || e.unit === own)
      .sort((a, b) => (REPORT_ORDER[a.state] - REPORT_ORDER[b.state]) || isoOf(a.dueDate).localeCompare(isoOf(b.dueDate))
        || collator.compare(names.get(a.unit) || a.unit, names.get(b.unit) || b.unit));
    const section = document.createElement('section');
    section.className = 'block cycle';
    section.dataset.cycle = cycle.name;
    const count = (state) => entries.filter((e) => e.state === state).length;
    section.innerHTML = `<h2>${escapeHtml(cycle.title)}</h2>
      <p class="muted">Hạn nộp: ${(cycle.fixedDates || []).map(date).join(', ') || '—'}; tính đến ngày ${date(status.asOf)}.</p>
      <div class="cards">
        <div class="card"><span>Đúng hạn</span><strong data-count="ON_TIME">${count('ON_TIME')}</strong></div>
        <div class="card"><span>Muộn</span><strong data-count="LATE">${count('LATE')}</strong></div>
        <div class="card"><span>Chưa nộp (quá hạn)</span><strong data-count="MISSING">${count('MISSING')}</strong></div>
        <div class="card"><span>Sắp đến hạn (31 ngày)</span><strong data-count="PENDING">${count('PENDING')}</strong></div>
      </div>
      ${own ? ownTable(entries) : matrix(entries, names)}`;
    root.appendChild(section);
  });
  root.addEventListener('submit', async (event) => {
    const form = event.target.closest('form.submit-report');
    if (!form) return;
    event.preventDefault();
    const tr = form.closest('tr');
    const [year, month, day] = tr.dataset.due.split('-').map(Number);
    const button = form.querySelector('button');
    button.disabled = true;
    try {
      await plans('SubmitReport', {
        reportCycle: form.closest('section').dataset.cycle,
        submission: { unit: tr.dataset.unit, dueDate: { year, month, day }, evidence: form.evidence.value.trim() },
      });
      await cyclesView(app);
    } catch (error) {
      const message = form.querySelector('.report-message');
      message.className = 'report-message error';
      message.textContent = errorText(error);
      button.disabled = false;
    }
  });
}
