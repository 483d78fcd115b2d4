// The Sở's dashboard: city → commune → school, the chasing list, plan
// cascades and rankings, from the gateway's HTTP/JSON API. Routes are URL
// fragments so every view can be bookmarked and works offline once loaded.
import './style.css';

import {api, ApiError, claims, registry, signIn, signOut, token} from './api.js';
import {attainmentChart, budgetChart, unitTiles} from './charts.js';
import {collator, date, decimal, escapeHtml, freshness, integer, isoToDate, millions, millionsValue, SERVICE, TARGET_STATUS, TASK_STATE, UNIT_STATUS,} from './format.js';
import {remindersView} from './reminders.js';
import {cyclesView, entryView, reviewView, tasksView} from './reporting.js';
import {renderTable} from './table.js';

const app = document.getElementById('app');
const periodSelect = document.getElementById('period');
const asOfInput = document.getElementById('as-of');
// School years, the one under way first (a year starts in August); the
// dashboard opens on the last completed one, whose figures are reported.
const PERIODS = (() => {
  const now = new Date();
  const start = now.getMonth() >= 7 ? now.getFullYear() : now.getFullYear() - 1;
  return Array.from({ length: 5 }, (_, i) => `${start - i}-${start - i + 1}`);
})();

for (const p of PERIODS) {
  const option = document.createElement('option');
  option.value = p;
  option.textContent = p;
  periodSelect.appendChild(option);
}
const params = new URLSearchParams(location.search);
periodSelect.value = params.get('period') || PERIODS[1];
if (params.get('asOf')) asOfInput.value = params.get('asOf');
periodSelect.addEventListener('change', route);
asOfInput.addEventListener('change', route);

const period = () => periodSelect.value;
const asOf = () => isoToDate(asOfInput.value);
const id = (name) => String(name || '').replace(/^[a-z]+\//, '');

function banner(section, label) {
  if (!section) return '';
  const cls = section.available ? 'fresh' : 'unavailable';
  return `<p class="section-status ${cls}" data-service="${escapeHtml(section.service)}">${escapeHtml(label)}: ${escapeHtml(freshness(section))}${section.cached ? ' (bộ đệm)' : ''}</p>`;
}

function card(label, value, elementId, note = '') {
  return `<div class="card"><span>${escapeHtml(label)}</span><strong id="${elementId}">${value}</strong>${note ? `<small>${escapeHtml(note)}</small>` : ''}</div>`;
}

function block(title, html = '') {
  const section = document.createElement('section');
  section.className = 'block';
  section.innerHTML = `<h2>${escapeHtml(title)}</h2>${html}`;
  app.appendChild(section);
  return section;
}

const ROLE = {
  leadership: 'Lãnh đạo Sở', division: 'Phòng chuyên môn', commune_officer: 'Cán bộ xã, phường',
  school_officer: 'Cán bộ trường', integration: 'Hệ thống kết nối', operator: 'Vận hành',
};
// Who may enter figures, and who reviews.
const ENTERS = ['school_officer', 'commune_officer'];
const REVIEWS = ['commune_officer', 'division', 'leadership'];
const REPORTS_TASKS = ['commune_officer', 'division'];
// Units set where their own reminders go; the Sở sets any unit's.
const SETS_REMINDERS =
    ['school_officer', 'commune_officer', 'division', 'leadership'];

// The signed-in person's unit by name, once per session.
async function unitDisplayName(unit) {
  const key = `hpedu.unit.${unit}`;
  const known = sessionStorage.getItem(key);
  if (known) return known;
  const found = await registry('GetUnit', { name: unit }).catch(() => null);
  if (found?.displayName) sessionStorage.setItem(key, found.displayName);
  return found?.displayName || id(unit);
}

function renderSession() {
  const el = document.getElementById('session');
  const nav = document.getElementById('nav-reporting');
  if (!token()) {
    el.innerHTML = '';
    nav.innerHTML = '';
    return;
  }
  const c = claims();
  nav.innerHTML = `${
      ENTERS.includes(c.role) ?
          '<a href="#/nhap-lieu" id="nav-entry">Nhập số liệu</a>' :
          ''}${
      REPORTS_TASKS.includes(c.role) ?
          '<a href="#/nhiem-vu" id="nav-tasks">Báo cáo nhiệm vụ</a>' :
          ''}${
      REVIEWS.includes(c.role) ?
          '<a href="#/duyet" id="nav-review">Duyệt số liệu</a>' :
          ''}${
      SETS_REMINDERS.includes(c.role) ?
          '<a href="#/nhac-viec" id="nav-reminders">Nhắc việc</a>' :
          ''}`;
  el.innerHTML = `<span id="who">${escapeHtml(c.name || c.sub || 'Đã đăng nhập')}${c.unit ? ' · <span id="who-unit"></span>' : (c.role ? ` · ${escapeHtml(ROLE[c.role] || c.role)}` : '')}</span> <button type="button" id="sign-out">Đăng xuất</button>`;
  if (c.unit) {
    unitDisplayName(c.unit).then((name) => {
      const span = document.getElementById('who-unit');
      if (span) span.textContent = name;
    });
  }
  document.getElementById('sign-out').addEventListener('click', () => {
    signOut();
    route();
  });
}

function renderSignIn(message = '') {
  app.innerHTML = `
    <section class="block sign-in">
      <h2>Đăng nhập</h2>
      <p>Dán mã truy cập (bearer token) do hệ thống định danh của thành phố cấp — cùng mã dùng cho API.</p>
      ${message ? `<p class="error">${escapeHtml(message)}</p>` : ''}
      <form id="sign-in-form">
        <textarea id="token" rows="4" required placeholder="eyJhbGciOi..."></textarea>
        <button type="submit">Đăng nhập</button>
      </form>
    </section>`;
  document.getElementById('sign-in-form').addEventListener('submit', (event) => {
    event.preventDefault();
    signIn(document.getElementById('token').value);
    route();
  });
}

function failure(error) {
  if (error instanceof ApiError && error.status === 401) {
    signOut();
    renderSignIn('Mã truy cập không hợp lệ hoặc đã hết hạn.');
    return;
  }
  const text = error instanceof ApiError && error.status === 403
    ? 'Vai trò của bạn không được xem nội dung này.'
    : `Lỗi: ${error.message}`;
  app.innerHTML = `<section class="block"><p class="error" id="error">${escapeHtml(text)}</p></section>`;
}

// Tables shared by the city overview and a commune's profile.
function indicatorTable(container, lines, tableId, exportName) {
  renderTable(container, {
    id: tableId,
    title: 'Chỉ tiêu và mức đạt',
    exportName,
    columns: [
      { key: 'code', label: 'Mã', sortValue: (r) => r.code },
      { key: 'displayName', label: 'Chỉ tiêu', html: (r) => `<a href="#/chi-tieu/${escapeHtml(id(r.indicator))}">${escapeHtml(r.displayName || r.indicator)}</a>` },
      { key: 'value', label: 'Giá trị', numeric: true, raw: (r) => r.figure?.value ?? '', html: (r) => `<span data-indicator="${escapeHtml(r.indicator)}" data-value="${escapeHtml(r.figure?.value ?? '')}">${decimal(r.figure?.value)}</span>` },
      { key: 'unitLabel', label: 'Đơn vị' },
      { key: 'targetValue', label: 'Chỉ tiêu đặt ra', numeric: true, raw: (r) => r.targetValue, html: (r) => decimal(r.targetValue) },
      { key: 'attainment', label: 'Mức đạt (%)', numeric: true, raw: (r) => r.attainmentPercent, html: (r) => decimal(r.attainmentPercent) },
      { key: 'status', label: 'Đánh giá', raw: (r) => TARGET_STATUS[r.status] || '' },
      { key: 'reporters', label: 'Đã báo cáo', raw: (r) => `${r.figure?.reporters ?? 0}/${r.figure?.expectedReporters ?? 0}` },
    ],
    rows: lines,
  });
}

function childTable(container, children, { title, tableId, exportName, href, kind }) {
  renderTable(container, {
    id: tableId,
    title,
    exportName,
    columns: [
      { key: 'name', label: kind, raw: (r) => r.unit.displayName, html: (r) => `<a href="${href(r.unit.name)}">${escapeHtml(r.unit.displayName)}</a>` },
      { key: 'status', label: 'Tình trạng', raw: (r) => UNIT_STATUS[r.status] || '' },
      { key: 'met', label: 'Đạt', numeric: true },
      { key: 'notMet', label: 'Không đạt', numeric: true },
      { key: 'noData', label: 'Chưa có số liệu', numeric: true },
    ],
    rows: children,
  });
}

function chasingTable(container, items, tableId, exportName, title = 'Việc quá hạn và sắp đến hạn') {
  renderTable(container, {
    id: tableId,
    title,
    exportName,
    empty: 'Không có việc nào quá hạn hay sắp đến hạn',
    columns: [
      { key: 'content', label: 'Nhiệm vụ' },
      { key: 'lead', label: 'Đơn vị chủ trì', raw: (r) => r.lead?.displayName ?? '' },
      { key: 'commune', label: 'Xã, phường', raw: (r) => r.commune?.displayName ?? '' },
      { key: 'due', label: 'Hạn', raw: (r) => date(r.dueDate), sortValue: (r) => (r.dueDate ? `${r.dueDate.year}-${String(r.dueDate.month).padStart(2, '0')}-${String(r.dueDate.day).padStart(2, '0')}` : '') },
      { key: 'daysOverdue', label: 'Số ngày quá hạn', numeric: true },
      { key: 'state', label: 'Trạng thái', raw: (r) => TASK_STATE[r.state] || '' },
      { key: 'progressPercent', label: 'Tiến độ (%)', numeric: true },
    ],
    rows: items,
  });
}

function staffingAndBudget(overview, exportPrefix) {
  const staffing = block('Đội ngũ: thiếu và thừa theo cấp học', banner(overview.staffing?.status, 'Đội ngũ'));
  renderTable(staffing, {
    id: 'staffing',
    title: 'Thiếu, thừa giáo viên theo cấp học',
    exportName: `${exportPrefix}-doi-ngu`,
    empty: overview.staffing?.status?.available ? 'Không có dòng nào' : `Chưa có số liệu: ${overview.staffing?.status?.reason || ''}`,
    columns: [
      { key: 'level', label: 'Cấp học' },
      // proto3 JSON leaves zeros out: show them as 0.
      { key: 'required', label: 'Định mức', numeric: true, raw: (r) => r.required ?? 0 },
      { key: 'actual', label: 'Hiện có', numeric: true, raw: (r) => r.actual ?? 0 },
      { key: 'shortage', label: 'Thiếu', numeric: true, raw: (r) => r.shortage ?? 0 },
      { key: 'surplus', label: 'Thừa', numeric: true, raw: (r) => r.surplus ?? 0 },
    ],
    rows: overview.staffing?.lines || [],
  });
  const budget = block('Ngân sách: tỷ trọng so với ngưỡng', banner(overview.budget?.status, 'Ngân sách'));
  budget.insertAdjacentHTML('beforeend', budgetChart(overview.budget?.shares || [], overview.budget?.status?.available));
  renderTable(budget, {
    id: 'budget',
    title: overview.budget?.fiscalYear ? `Tỷ trọng chi, dự toán năm ${overview.budget.fiscalYear}` : 'Tỷ trọng chi',
    exportName: `${exportPrefix}-ngan-sach`,
    empty: overview.budget?.status?.available ? 'Không có dòng nào' : `Chưa có số liệu: ${overview.budget?.status?.reason || ''}`,
    columns: [
      { key: 'rule', label: 'Quy định' },
      { key: 'sharePercent', label: 'Tỷ trọng (%)', numeric: true, raw: (r) => r.sharePercent ?? '' },
      { key: 'thresholdPercent', label: 'Ngưỡng (%)', numeric: true },
      { key: 'meets', label: 'Đạt ngưỡng', raw: (r) => (r.meets ? 'Có' : 'Không') },
    ],
    rows: overview.budget?.shares || [],
  });
}

function summary(overview) {
  const lines = overview.indicators?.indicators || [];
  const count = (s) => lines.filter((l) => l.status === s).length;
  const plans = overview.plans || {};
  const cascade = (plans.cascades || [])[0];
  return `<div class="cards">
    ${card('Chỉ tiêu đạt', integer(count('MET')), 'met-count', `trên ${lines.length} chỉ tiêu`)}
    ${card('Chỉ tiêu không đạt / có nguy cơ', integer(count('NOT_MET') + count('AT_RISK')), 'risk-count')}
    ${card('Nhiệm vụ quá hạn', integer(plans.overdue), 'overdue')}
    ${card('Sắp đến hạn', integer(plans.dueSoon), 'due-soon')}
    ${cascade ? card(`Xã, phường đã ban hành văn bản thực hiện ${cascade.number}`, `${integer(cascade.covered)}/${integer(cascade.covered + cascade.missing)}`, 'cascade-covered') : ''}
  </div>`;
}

async function cityView() {
  const overview = await api.cityOverview({ period: period(), asOf: asOf(), dueWithinDays: 14 });
  app.innerHTML = `<h1 id="view-title">${escapeHtml(overview.unit.displayName)} — năm học ${escapeHtml(overview.period)}</h1>${summary(overview)}`;
  const indicators = block('Chỉ tiêu', banner(overview.indicators.status, 'Chỉ tiêu'));
  indicators.insertAdjacentHTML('beforeend', `<h3>Mức đạt so với chỉ tiêu</h3>${attainmentChart(overview.indicators.indicators || [])}`);
  indicatorTable(indicators, overview.indicators.indicators || [], 'indicators', `chi-tieu-${overview.period}`);
  const communes = block('Xã, phường, đặc khu theo tình trạng', '<p class="muted">Mỗi xã, phường so với chỉ tiêu của thành phố; bấm để xem chi tiết.</p>');
  communes.insertAdjacentHTML('beforeend', unitTiles(overview.indicators.children || [], (n) => `#/xa/${id(n)}`));
  childTable(communes, overview.indicators.children || [], {
    title: 'Tình trạng từng xã, phường', tableId: 'communes', exportName: `xa-phuong-${overview.period}`,
    href: (n) => `#/xa/${id(n)}`, kind: 'Xã, phường, đặc khu',
  });
  const plans = block('Kế hoạch và nhiệm vụ', banner(overview.plans.status, 'Kế hoạch'));
  for (const c of overview.plans.cascades || []) {
    plans.insertAdjacentHTML('beforeend', `<p>Văn bản <a href="#/van-ban/${escapeHtml(id(c.document))}">${escapeHtml(c.number)}</a>: ${integer(c.covered)} xã, phường đã có văn bản thực hiện, ${integer(c.missing)} chưa có.</p>`);
  }
  chasingTable(plans, overview.plans.items || [], 'chasing', 'don-doc');
  staffingAndBudget(overview, 'thanh-pho');
  banner(overview.unitsStatus, 'Danh mục đơn vị');
}

// Commune profiles are kept for the drill-down to a school.
const profiles = new Map();
async function communeProfile(commune) {
  const key = `${commune}|${period()}|${asOfInput.value}`;
  if (!profiles.has(key)) {
    profiles.set(key, api.communeProfile({ commune: `units/${commune}`, period: period(), asOf: asOf(), dueWithinDays: 14 }));
  }
  try {
    return await profiles.get(key);
  } catch (error) {
    profiles.delete(key);
    throw error;
  }
}

async function communeView(commune) {
  const profile = await communeProfile(commune);
  app.innerHTML = `<p class="crumbs"><a href="#/">Thành phố</a> › ${escapeHtml(profile.unit.displayName)}</p>
    <h1 id="view-title">${escapeHtml(profile.unit.displayName)} — năm học ${escapeHtml(profile.period)}</h1>${summary(profile)}`;
  const indicators = block('Chỉ tiêu', banner(profile.indicators.status, 'Chỉ tiêu'));
  indicators.insertAdjacentHTML('beforeend', `<h3>Mức đạt so với chỉ tiêu</h3>${attainmentChart(profile.indicators.indicators || [])}`);
  indicatorTable(indicators, profile.indicators.indicators || [], 'indicators', `chi-tieu-${commune}`);
  const schools = block('Trường học', '<p class="muted">Mỗi trường so với chỉ tiêu của xã, phường; bấm để xem chi tiết.</p>');
  schools.insertAdjacentHTML('beforeend', unitTiles(profile.indicators.children || [], (n) => `#/xa/${commune}/truong/${id(n)}`));
  childTable(schools, profile.indicators.children || [], {
    title: 'Tình trạng từng trường', tableId: 'schools', exportName: `truong-${commune}`,
    href: (n) => `#/xa/${commune}/truong/${id(n)}`, kind: 'Trường',
  });
  const plans = block('Nhiệm vụ của xã, phường', banner(profile.plans.status, 'Kế hoạch'));
  chasingTable(plans, profile.plans.items || [], 'chasing', `don-doc-${commune}`);
  staffingAndBudget(profile, commune);
}

async function schoolView(commune, school) {
  const profile = await communeProfile(commune);
  const name = `units/${school}`;
  const schoolRef = (profile.indicators.children || []).find((c) => c.unit.name === name);
  const rows = [];
  for (const line of profile.indicators.indicators || []) {
    const figure = (line.children || []).find((f) => f.orgUnit === name);
    if (figure) rows.push({ ...line, figure, attainmentPercent: '', status: undefined });
  }
  app.innerHTML = `<p class="crumbs"><a href="#/">Thành phố</a> › <a href="#/xa/${escapeHtml(commune)}">${escapeHtml(profile.unit.displayName)}</a> › ${escapeHtml(schoolRef?.unit.displayName || school)}</p>
    <h1 id="view-title">${escapeHtml(schoolRef?.unit.displayName || school)} — năm học ${escapeHtml(profile.period)}</h1>`;
  const section = block('Số liệu của trường', banner(profile.indicators.status, 'Chỉ tiêu'));
  renderTable(section, {
    id: 'school-figures',
    title: 'Chỉ tiêu của trường',
    exportName: `truong-${school}`,
    columns: [
      { key: 'code', label: 'Mã' },
      { key: 'displayName', label: 'Chỉ tiêu' },
      { key: 'value', label: 'Giá trị', numeric: true, raw: (r) => r.figure.value, html: (r) => `<span data-value="${escapeHtml(r.figure.value)}">${decimal(r.figure.value)}</span>` },
      { key: 'unitLabel', label: 'Đơn vị' },
      { key: 'numerator', label: 'Tử số', numeric: true, raw: (r) => r.figure.numerator },
      { key: 'denominator', label: 'Mẫu số', numeric: true, raw: (r) => r.figure.denominator },
      { key: 'cityTarget', label: 'Chỉ tiêu của thành phố', numeric: true, raw: (r) => r.targetValue, html: (r) => decimal(r.targetValue) },
    ],
    rows,
  });
}

async function rankingView(indicator) {
  const ranking = await api.rankCommunes({ indicator: `indicators/${indicator}`, period: period() });
  const city = ranking.city || {};
  app.innerHTML = `<p class="crumbs"><a href="#/">Thành phố</a> › ${escapeHtml(city.displayName || indicator)}</p>
    <h1 id="view-title">${escapeHtml(city.code || '')} ${escapeHtml(city.displayName || indicator)}</h1>
    <p>Toàn thành phố: <strong id="city-value">${decimal(city.figure?.value)}</strong> ${escapeHtml(city.unitLabel || '')} — chỉ tiêu ${decimal(city.targetValue)} (${escapeHtml(TARGET_STATUS[city.status] || '')})</p>`;
  const section = block('Xếp hạng các xã, phường', banner(ranking.status, 'Chỉ tiêu'));
  renderTable(section, {
    id: 'ranking',
    title: 'Xã, phường nào đang chậm',
    exportName: `xep-hang-${indicator}-${period()}`,
    columns: [
      { key: 'rank', label: 'Hạng', numeric: true, raw: (r) => (r.rank ? r.rank : '') },
      { key: 'name', label: 'Xã, phường', raw: (r) => r.unit.displayName, html: (r) => `<a href="#/xa/${escapeHtml(id(r.unit.name))}">${escapeHtml(r.unit.displayName)}</a>` },
      { key: 'value', label: 'Giá trị', numeric: true, raw: (r) => r.figure?.value ?? '', html: (r) => decimal(r.figure?.value) },
      { key: 'reporters', label: 'Đã báo cáo', raw: (r) => `${r.figure?.reporters ?? 0}/${r.figure?.expectedReporters ?? 0}` },
      { key: 'status', label: 'So với chỉ tiêu thành phố', raw: (r) => TARGET_STATUS[r.status] || '' },
    ],
    rows: ranking.communes || [],
  });
}

// Investment projects whose disbursement lags their plan (the chasing
// list's budget section), in triệu đồng.
function laggingProjectsTable(container, budget) {
  const month = budget?.asOfMonth ? `${budget.asOfMonth}/${budget.asOfYear}` : '';
  const money = (key, label) => ({
    key, label, numeric: true, raw: (r) => millionsValue(r[key]), html: (r) => millions(r[key]),
  });
  renderTable(container, {
    id: 'chasing-budget',
    title: month ? `Dự án đầu tư chậm giải ngân (đến hết tháng ${month})` : 'Dự án đầu tư chậm giải ngân',
    exportName: 'du-an-cham-giai-ngan',
    empty: budget?.status?.available ? 'Không có dự án nào chậm giải ngân' : `Chưa có số liệu: ${budget?.status?.reason || ''}`,
    columns: [
      { key: 'content', label: 'Dự án' },
      { key: 'lead', label: 'Ngân sách chi trả', raw: (r) => r.lead?.displayName ?? '' },
      { key: 'commune', label: 'Xã, phường', raw: (r) => r.commune?.displayName ?? '' },
      money('plannedDong', 'Kế hoạch đến nay (triệu đồng)'),
      money('disbursedDong', 'Đã giải ngân (triệu đồng)'),
      money('lagDong', 'Chậm (triệu đồng)'),
      { key: 'fulfilment', label: 'Đạt kế hoạch (%)', numeric: true, raw: (r) => r.planFulfilmentPercent ?? '', html: (r) => decimal(r.planFulfilmentPercent) },
    ],
    rows: budget?.items || [],
  });
}

async function chasingView() {
  const view = await api.chasingList({ asOf: asOf(), dueWithinDays: 14 });
  const lagging = view.budget?.status?.available ? integer(view.budget.lagging ?? 0) : '—';
  app.innerHTML = `<h1 id="view-title">Danh sách đôn đốc ngày ${date(view.asOf)}</h1>
    <div class="cards">${card('Quá hạn', integer(view.overdue), 'overdue')}${card('Sắp đến hạn (14 ngày)', integer(view.dueSoon), 'due-soon')}${card('Dự án chậm giải ngân', lagging, 'lagging-projects')}</div>`;
  const sources = block('Nguồn số liệu', (view.sections || []).map((s) => banner(s, SERVICE[s.service] || s.service)).join(''));
  sources.classList.add('sources');
  const leads = block('Theo đơn vị chủ trì');
  renderTable(leads, {
    id: 'by-lead',
    title: 'Đơn vị chủ trì',
    exportName: 'don-doc-theo-don-vi',
    columns: [
      { key: 'lead', label: 'Đơn vị', raw: (r) => r.lead?.displayName ?? '' },
      { key: 'overdue', label: 'Quá hạn', numeric: true },
      { key: 'dueSoon', label: 'Sắp đến hạn', numeric: true },
    ],
    rows: view.byLead || [],
  });
  chasingTable(block('Từng việc'), view.items || [], 'chasing', 'don-doc', 'Việc cần đôn đốc');
  laggingProjectsTable(block('Giải ngân vốn đầu tư', banner(view.budget?.status, 'Ngân sách')), view.budget);
}

async function cascadeView(document_) {
  const cascade = await api.planCascade({ document: `documents/${document_}`, asOf: asOf(), dueWithinDays: 14 });
  const doc = cascade.document || {};
  app.innerHTML = `<p class="crumbs"><a href="#/">Thành phố</a> › ${escapeHtml(doc.number || document_)}</p>
    <h1 id="view-title">${escapeHtml(doc.number || document_)}: ${escapeHtml(doc.title || '')}</h1>
    <div class="cards">${card('Đã có văn bản thực hiện', integer(cascade.covered), 'covered')}${card('Chưa có', integer(cascade.missing), 'missing')}</div>`;
  const section = block('Triển khai tới xã, phường', banner(cascade.status, 'Kế hoạch'));
  renderTable(section, {
    id: 'cascade',
    title: 'Xã, phường và văn bản thực hiện',
    exportName: `trien-khai-${document_}`,
    columns: [
      { key: 'name', label: 'Xã, phường', raw: (r) => r.commune.displayName, html: (r) => `<a href="#/xa/${escapeHtml(id(r.commune.name))}">${escapeHtml(r.commune.displayName)}</a>` },
      { key: 'documents', label: 'Văn bản thực hiện', raw: (r) => (r.documents || []).join('; ') || 'Chưa có' },
      { key: 'overdue', label: 'Nhiệm vụ quá hạn', numeric: true },
      { key: 'dueSoon', label: 'Sắp đến hạn', numeric: true },
    ],
    rows: cascade.communes || [],
  });
}

async function route() {
  renderSession();
  if (!token()) {
    renderSignIn();
    return;
  }
  const hash = location.hash.replace(/^#\/?/, '');
  const parts = hash.split('/').filter(Boolean).map(decodeURIComponent);
  const c = claims();
  // A commune officer starts at their commune.
  if (parts.length === 0 && c.role === 'commune_officer' && c.unit) {
    location.hash = `#/xa/${id(c.unit)}`;
    return;
  }
  app.innerHTML = '<p class="muted">Đang tải…</p>';
  try {
    if (parts[0] === 'xa' && parts[2] === 'truong') await schoolView(parts[1], parts[3]);
    else if (parts[0] === 'xa') await communeView(parts[1]);
    else if (parts[0] === 'chi-tieu') await rankingView(parts[1]);
    else if (parts[0] === 'nhap-lieu') await entryView(app, parts[1] || id(c.unit), period());
    else if (parts[0] === 'duyet') await reviewView(app, period());
    else if (parts[0] === 'nhiem-vu') await tasksView(app);
    else if (parts[0] === 'bao-cao-dinh-ky') await cyclesView(app);
    else if (parts[0] === 'don-doc') await chasingView();
    else if (parts[0] === 'nhac-viec')
      await remindersView(app, parts[1]);
    else if (parts[0] === 'van-ban') await cascadeView(parts[1]);
    else await cityView();
  } catch (error) {
    failure(error);
  }
}

window.addEventListener('hashchange', route);
// For tests and other scripts: Vietnamese comparison as the tables use it.
window.hpeduCollator = collator;
route();
