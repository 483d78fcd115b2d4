// Browser test of the reporting loop: headless Debian chromium driven by
// playwright-core, one browser context per person. Run by
// services/gateway/browser_test.cc (ctest), which creates a workflow gating
// HP-18 from 2025-2026 and passes:
//   HPEDU_DASHBOARD_URL   the gateway's HTTP address
//   HPEDU_TOKENS          {"school", "commune", "division", "leadership"}
//   HPEDU_LOOP            {"school", "schoolName", "commune", "communeName", "indicator", "period",
//                          "usualHp19", "deadlines": [on time, missed, coming]}
// The school's history before the period: HP-19 as this year (usualHp19
// of 1) and HP-23 12 of 20 in each of the three years.
//   HPEDU_SCREENSHOT_DIR  where to save screenshots (test artifacts)
// Exit code 0 when every check passes.
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { strToU8, zipSync } from 'fflate';
import { toXlsx } from '../src/export.js';

// An XLSX as Excel writes it: text in the shared-strings table, numbers
// inline (toXlsx, the dashboard's own export, writes inline strings).
function excelXlsx(table) {
  const strings = [];
  const index = (text) => (strings.includes(text) ? strings.indexOf(text) : strings.push(text) - 1);
  const col = (i) => String.fromCharCode(65 + i);
  const rows = table.map((cells, r) => `<row r="${r + 1}">${cells.map((v, i) => (v === '' ? ''
    : typeof v === 'number' ? `<c r="${col(i)}${r + 1}"><v>${v}</v></c>`
      : `<c r="${col(i)}${r + 1}" t="s"><v>${index(v)}</v></c>`)).join('')}</row>`).join('');
  const ns = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main';
  return zipSync({
    '[Content_Types].xml': strToU8('<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>'),
    'xl/workbook.xml': strToU8(`<workbook xmlns="${ns}"><sheets><sheet name="Sheet1" sheetId="1"/></sheets></workbook>`),
    'xl/sharedStrings.xml': strToU8(`<sst xmlns="${ns}">${strings.map((t) => `<si><t>${t}</t></si>`).join('')}</sst>`),
    'xl/worksheets/sheet1.xml': strToU8(`<worksheet xmlns="${ns}"><sheetData>${rows}</sheetData></worksheet>`),
  });
}

const url = process.env.HPEDU_DASHBOARD_URL;
const tokens = JSON.parse(process.env.HPEDU_TOKENS);
const loop = JSON.parse(process.env.HPEDU_LOOP);
const shots = process.env.HPEDU_SCREENSHOT_DIR || '.';
const executablePath = process.env.HPEDU_CHROMIUM || '/usr/bin/chromium';
const INDICATORS = 'api/hpedu.indicators.v1.IndicatorsService';

let failures = 0;
const start = Date.now();
function check(condition, message) {
  const at = `[${((Date.now() - start) / 1000).toFixed(1)} s]`;
  if (condition) {
    console.log(`ok - ${message} ${at}`);
  } else {
    failures += 1;
    console.log(`not ok - ${message} ${at}`);
  }
}

const browser = await chromium.launch({
  executablePath,
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
});

// Opens a view afresh, as after a new sign-in (a new query string makes it
// a full load, not a hash change).
let loads = 0;
async function open(page, hash, selector) {
  loads += 1;
  await page.goto(`${url}?load=${loads}&period=${loop.period}${hash}`);
  await page.waitForSelector(selector, { timeout: 20000 });
}

// A page of one person, signed in on the view `hash`.
async function personPage(who, hash, selector, viewport = { width: 1280, height: 900 }) {
  const context = await browser.newContext({ locale: 'vi-VN', viewport });
  const page = await context.newPage();
  page.on('pageerror', (e) => { failures += 1; console.log(`not ok - ${who}: page error: ${e.message}`); });
  await open(page, hash, '#token');
  await page.fill('#token', tokens[who]);
  await page.click('#sign-in-form button[type=submit]');
  await page.waitForSelector(selector, { timeout: 20000 });
  return page;
}

// The API as the page's person, for what a page never shows directly.
async function apiCall(page, path, body) {
  return page.evaluate(async ([p, b]) => {
    const r = await fetch(p, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${sessionStorage.getItem('hpedu.token')}` },
      body: JSON.stringify(b),
    });
    return { status: r.status, body: await r.json().catch(() => ({})) };
  }, [path, body]);
}

const row = (key) => `#entry tr[data-row="${key}"]`;
const state = (page) => page.getAttribute('#submission-state', 'data-state');
const revisions = async (page, indicator) => {
  const r = await apiCall(page, `${INDICATORS}/ListValueRevisions`,
    { name: `indicators/${indicator}/values/${loop.school}~${loop.period}` });
  return (r.body.revisions || []).length;
};
// The city's figure of the gated indicator, as the overview shows it.
async function cityFigure(page) {
  await open(page, '#/', `#indicators [data-indicator="${loop.indicator}"]`);
  return page.getAttribute(`#indicators [data-indicator="${loop.indicator}"]`, 'data-value');
}
async function typeValue(page, key, numerator, denominator) {
  await page.fill(`${row(key)} input[name=numerator]`, String(numerator));
  await page.fill(`${row(key)} input[name=denominator]`, String(denominator));
}
// Waits until the server's checks have marked (or cleared) a row.
async function waitRow(page, key, cls, present) {
  await page.waitForFunction(([sel, c, p]) => document.querySelector(sel)?.classList.contains(c) === p,
    [row(key), cls, present], { timeout: 10000 }).catch(() => {});
  return page.evaluate(([sel, c]) => document.querySelector(sel)?.classList.contains(c), [row(key), cls]);
}
async function review(page, unit, action, reason = '') {
  const tr = `tr[data-unit="units/${unit}"]`;
  if (action === 'approve-checked') {
    await page.check(`#queue ${tr} .pick`);
    await page.click('#approve-checked');
  } else {
    await page.click(`${tr} button[data-action="${action}"]`);
    if (reason) {
      await page.fill(`${tr} form.reason input`, reason);
      await page.click(`${tr} form.reason button[type=submit]`);
    }
  }
  await page.waitForSelector('#review-message.ok, #review-message.error', { timeout: 20000 });
  const text = await page.textContent('#review-message');
  check(await page.$('#review-message.ok') !== null, `${action} ${unit}: ${text}`);
}

try {
  const leadership = await personPage('leadership', '#/', `#indicators [data-indicator="${loop.indicator}"]`);
  const cityBefore = await leadership.getAttribute(`#indicators [data-indicator="${loop.indicator}"]`, 'data-value');
  check(cityBefore === '', `before any approval the city's ${loop.indicator} counts nothing approved (${cityBefore})`);

  // 1. The school officer opens the form: exactly the school's indicators.
  const school = await personPage('school', '#/nhap-lieu', row('hp-18~'));
  await school.waitForFunction(() => document.querySelector('#who-unit')?.textContent, null, { timeout: 10000 });
  check((await school.textContent('#who')).includes(loop.schoolName), `the header names the person's school, not their role: ${await school.textContent('#who')}`);
  check((await school.textContent('#view-title')).includes(loop.schoolName), 'entry form of the school');
  const keys = await school.$$eval('#entry tbody tr', (trs) => trs.map((tr) => tr.dataset.row));
  check(keys.includes('hp-19~') && keys.includes('hp-23~') && !keys.some((k) => k.startsWith('hp-01~')),
    `the form lists the primary school's indicators, not the commune's (${keys.join(' ')})`);
  check(await state(school) === 'DRAFT', 'nothing submitted yet');

  // A rule refuses a value as it is typed, and saving writes nothing.
  const hp19Before = await revisions(school, 'hp-19');
  await typeValue(school, 'hp-19~', 2, 1);
  check(await waitRow(school, 'hp-19~', 'invalid', true), 'numerator above denominator is refused on the row');
  const why = await school.textContent(`${row('hp-19~')} [data-col=check]`);
  check(why.length > 0, `with the server's reason: ${why}`);
  await school.click('#save');
  await school.waitForSelector('#entry-message.error', { timeout: 10000 });
  check(await revisions(school, 'hp-19') === hp19Before, 'a refused save writes nothing');
  // A value far from the school's history (the same in each earlier year)
  // is flagged, and kept.
  await typeValue(school, 'hp-19~', 1 - loop.usualHp19, 1);
  check(!(await waitRow(school, 'hp-19~', 'invalid', false)), 'corrected, the row is accepted');
  check(await waitRow(school, 'hp-19~', 'flagged', true), 'a value far from the school\'s history is flagged');
  await typeValue(school, 'hp-23~', 0, 20);
  await typeValue(school, 'hp-18~', 1, 1);
  // A draft survives a reload before it is saved.
  await school.reload();
  await school.waitForSelector(row('hp-18~'));
  check(await school.inputValue(`${row('hp-23~')} input[name=numerator]`) === '0', 'the draft survives a reload');
  await school.screenshot({ path: join(shots, 'entry-form.png'), fullPage: true });
  // Offline, saving fails and says so; what was typed stays.
  await school.context().setOffline(true);
  await school.click('#save');
  await school.waitForSelector('#entry-message.error', { timeout: 10000 });
  check((await school.textContent('#entry-message')).includes('giữ trên máy này'),
    `offline, the save fails and keeps the draft: ${await school.textContent('#entry-message')}`);
  const kept = await school.evaluate((key) => JSON.parse(localStorage.getItem(key) || '{}'), `hpedu.draft.${loop.school}.${loop.period}`);
  check(kept['hp-23~']?.numerator === '0', 'the draft is still in the browser');
  await school.context().setOffline(false);
  await school.click('#submit');
  await school.waitForFunction(() => document.querySelector('#submission-state')?.dataset.state === 'SUBMITTED', null, { timeout: 20000 });
  check(true, 'the school submitted');
  check(await school.isDisabled(`${row('hp-18~')} input[name=numerator]`), 'submitted figures are locked on the form');
  const locked = await apiCall(school, `${INDICATORS}/ReportValue`, {
    parent: 'indicators/hp-18',
    value: { orgUnit: `units/${loop.school}`, period: loop.period, numerator: 0, denominator: 1 },
  });
  check(locked.status === 400 && JSON.stringify(locked.body).includes('SUBMISSION_LOCKED'),
    `an edit of a submitted figure is refused, naming the lock (${locked.status})`);

  // 2. The commune officer returns it with a reason.
  const commune = await personPage('commune', '#/duyet', `#queue tr[data-unit="units/${loop.school}"]`);
  const flagged = await commune.textContent(`#queue tr[data-unit="units/${loop.school}"] [data-col=flagged]`);
  check(parseInt(flagged, 10) >= 1, `the queue flags the large change against last year (${flagged})`);
  await commune.click(`#queue tr[data-unit="units/${loop.school}"] details summary`);
  await commune.screenshot({ path: join(shots, 'review-queue.png'), fullPage: true });
  await review(commune, loop.school, 'return', 'HP-23 bằng 0 là bất thường, đề nghị kiểm tra lại');

  // 3. The school sees why, corrects and resubmits.
  await open(school, '#/nhap-lieu', row('hp-23~'));
  check(await state(school) === 'RETURNED', 'the school sees its submission returned');
  check((await school.textContent('#submission-reason')).includes('HP-23'), 'with the commune\'s reason');
  await typeValue(school, 'hp-23~', 12, 20);
  await school.click('#submit');
  await school.waitForFunction(() => document.querySelector('#submission-state')?.dataset.state === 'SUBMITTED', null, { timeout: 20000 });
  check(true, 'the school resubmitted');

  // 4. The commune approves the school (a batch action) and submits itself.
  await open(commune, '#/duyet', `#queue tr[data-unit="units/${loop.school}"]`);
  await review(commune, loop.school, 'approve-checked');
  await open(commune, '#/nhap-lieu', '#submit');
  await commune.click('#submit');
  await commune.waitForFunction(() => document.querySelector('#submission-state')?.dataset.state === 'SUBMITTED', null, { timeout: 20000 });
  check(true, 'the commune submitted');
  check(await cityFigure(leadership) === cityBefore, 'the city figure waits for the division');

  // 5. The Sở's division approves the commune: now the city counts it.
  const division = await personPage('division', '#/duyet', `#queue tr[data-unit="units/${loop.commune}"]`);
  const missingBefore = Number(await division.textContent('#missing-count'));
  check(missingBefore > 0 && !(await division.textContent('#missing')).includes(loop.communeName),
    `coverage: ${missingBefore} communes not submitted, ${loop.communeName} not among them`);
  await review(division, loop.commune, 'approve');
  check(await division.textContent('#approved-count') === '1' && Number(await division.textContent('#missing-count')) === missingBefore,
    'approving moves the commune from waiting to approved');
  const cityAfter = await cityFigure(leadership);
  check(Number(cityAfter) === 100, `after approval the city's ${loop.indicator} is the approved school's 1/1 = 100 (${cityAfter})`);

  // 6. Locked until unapproved: the school cannot edit; the division
  // unapproves the commune, the commune the school, and the school edits.
  const stillLocked = await apiCall(school, `${INDICATORS}/ReportValue`, {
    parent: 'indicators/hp-18',
    value: { orgUnit: `units/${loop.school}`, period: loop.period, numerator: 0, denominator: 1 },
  });
  check(stillLocked.status === 400, `an approved figure refuses an edit (${stillLocked.status})`);
  await open(division, '#/duyet', `#approved tr[data-unit="units/${loop.commune}"]`);
  await review(division, loop.commune, 'unapprove', 'Cần rà soát lại số liệu HP-18');
  check(await cityFigure(leadership) === cityBefore, 'unapproved, the city no longer counts it');
  await open(commune, '#/duyet', `#approved tr[data-unit="units/${loop.school}"]`);
  await review(commune, loop.school, 'unapprove', 'Mở lại để trường sửa HP-18');
  await open(school, '#/nhap-lieu', row('hp-18~'));
  check(await state(school) === 'RETURNED', 'the school\'s period is open again');
  check(!(await school.isDisabled(`${row('hp-18~')} input[name=numerator]`)), 'its figures can be edited');
  await typeValue(school, 'hp-18~', 0, 1);
  await school.click('#save');
  await school.waitForSelector('#entry-message.ok', { timeout: 10000 });
  check((await school.textContent('#entry-message')).includes('1 sửa'), `the edit is saved: ${await school.textContent('#entry-message')}`);

  // An XLSX upload with one bad line (row 3: numerator above denominator)
  // names that row and writes nothing.
  const columns = 'indicator,org_unit,period,disaggregation,numerator,denominator,value,generated'
    .split(',').map((key) => ({ key, label: key }));
  const line = (indicator, numerator, denominator) => ({
    indicator, org_unit: loop.school, period: loop.period, disaggregation: '', numerator, denominator, value: '', generated: 'false',
  });
  const excelLine = (code, n, d) => [code, loop.school, loop.period, '', n, d, '', 'false'];
  const xlsx = excelXlsx([columns.map((c) => c.key), excelLine('HP-18', 1, 1), excelLine('HP-19', 5, 1), excelLine('HP-23', 13, 20)]);
  const uploadBefore = [await revisions(school, 'hp-18'), await revisions(school, 'hp-23')];
  await school.setInputFiles('#upload-file', {
    name: 'so-lieu.xlsx', mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', buffer: Buffer.from(xlsx),
  });
  await school.waitForSelector('#upload-errors li, #upload-ok, #upload-result .error', { timeout: 20000 });
  const uploadErrors = await school.$$eval('#upload-errors li', (lis) => lis.map((li) => li.dataset.line));
  check(JSON.stringify(uploadErrors) === '["3"]', `the upload's one bad line is row 3 (${uploadErrors}): ${await school.textContent('#upload-result')}`);
  const uploadAfter = [await revisions(school, 'hp-18'), await revisions(school, 'hp-23')];
  check(JSON.stringify(uploadAfter) === JSON.stringify(uploadBefore), 'a refused upload writes nothing');
  await school.screenshot({ path: join(shots, 'upload-errors.png'), fullPage: true });
  // Corrected, it previews and commits.
  await school.setInputFiles('#upload-file', {
    name: 'so-lieu.xlsx', mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    buffer: Buffer.from(toXlsx(columns, [line('HP-18', 1, 1), line('HP-19', 1, 1), line('HP-23', 13, 20)])),
  });
  await school.waitForSelector('#upload-commit', { timeout: 20000 });
  await school.click('#upload-commit');
  await school.waitForFunction(() => document.querySelector('#entry-message')?.textContent.startsWith('Đã ghi từ tệp'),
    null, { timeout: 20000 });
  check(await revisions(school, 'hp-23') === uploadBefore[1] + 1, `the corrected upload is written: ${await school.textContent('#entry-message')}`);

  // The commune reports on a plan task cascaded to it: a bad progress is
  // refused on its row and writes nothing; a good one becomes the task's.
  await open(commune, '#/nhiem-vu', '#tasks tbody tr[data-task]');
  const taskRow = '#tasks tbody tr[data-task]';
  const task = await commune.getAttribute(taskRow, 'data-task');
  const reports = async () => ((await apiCall(commune, 'api/hpedu.plans.v1.PlansService/ListStatusReports', { parent: task })).body.statusReports || []).length;
  const reportsBefore = await reports();
  await commune.selectOption(`${taskRow} select[name=state]`, 'IN_PROGRESS');
  await commune.fill(`${taskRow} input[name=progress]`, '150');
  await commune.click(`${taskRow} button[type=submit]`);
  await commune.waitForSelector(`${taskRow} .report-message.error`, { timeout: 10000 });
  check(await reports() === reportsBefore, `a progress of 150% is refused and writes nothing: ${await commune.textContent(`${taskRow} .report-message`)}`);
  await commune.fill(`${taskRow} input[name=progress]`, '40');
  await commune.fill(`${taskRow} input[name=evidence]`, 'https://doson.haiphong.gov.vn/bao-cao/nhiem-vu-1');
  await commune.click(`${taskRow} button[type=submit]`);
  await commune.waitForSelector(`${taskRow} .report-message.ok`, { timeout: 10000 });
  check(await commune.textContent(`${taskRow} [data-col=progress]`) === '40%' && await reports() === reportsBefore + 1,
    `the report becomes the task's state: ${await commune.textContent(`${taskRow} [data-col=state]`)}, ${await commune.textContent(`${taskRow} [data-col=progress]`)}`);

  // Periodic reports: Đồ Sơn sees its deadlines (the first on time, the
  // second missed, the third coming) and submits the missed one, late.
  await open(commune, '#/bao-cao-dinh-ky', '.cycle-entries tbody tr[data-due]');
  const cycleStates = await commune.$$eval('.cycle-entries tbody tr[data-due]', (trs) => trs.map((tr) => `${tr.dataset.due}:${tr.dataset.state}`));
  const [onTime, missedDay, coming] = loop.deadlines;
  check(JSON.stringify(cycleStates) === JSON.stringify([`${missedDay}:MISSING`, `${coming}:PENDING`, `${onTime}:ON_TIME`]),
    `the commune's deadlines, missed first: ${cycleStates.join(' ')}`);
  const missed = `.cycle-entries tbody tr[data-due="${missedDay}"]`;
  await commune.fill(`${missed} input[name=evidence]`, '25/BC-UBND');
  await commune.click(`${missed} button[type=submit]`);
  await commune.waitForSelector(`${missed}[data-state="LATE"]`, { timeout: 20000 });
  check(true, 'the missed report, submitted now, counts as late');
  const cell = `.cycle-entries tr[data-unit="units/${loop.commune}"] td[data-due="${missedDay}"]`;
  await open(leadership, '#/bao-cao-dinh-ky', cell);
  check(await leadership.getAttribute(cell, 'data-state') === 'LATE'
    && Number(await leadership.textContent('[data-count="ON_TIME"]')) === 1,
    `the Sở sees it: ${await leadership.textContent('.cycle .cards')}`.replace(/\s+/g, ' '));
  await leadership.screenshot({ path: join(shots, 'report-cycles.png'), fullPage: false });

  // Reminders: the commune chooses where its digests go. A bad webhook is
  // refused on its field and nothing changes; a good address is kept.
  const PLANS = 'api/hpedu.plans.v1.PlansService';
  const settingsName = `units/${loop.commune}/reminderSettings`;
  const settingsNow = async () => (await apiCall(commune, `${PLANS}/GetReminderSettings`, { name: settingsName })).body;
  await open(commune, '#/nhac-viec', '#reminder-settings');
  check((await commune.textContent('#view-title')).includes(loop.communeName), `the commune's own reminders: ${await commune.textContent('#view-title')}`);
  const etagBefore = (await settingsNow()).etag;
  await commune.fill('#reminder-settings input[name=email]', 'vanthu@doson.haiphong.gov.vn');
  await commune.fill('#reminder-settings input[name=webhookUri]', 'http://example.com/hook');
  await commune.click('#reminder-settings button[type=submit]');
  await commune.waitForSelector('#reminder-message.error', { timeout: 10000 });
  const hookError = await commune.textContent('.field-error[data-field="reminder_settings.webhook_uri"]');
  check(hookError.includes('https') && (await settingsNow()).etag === etagBefore,
    `a plain-http webhook is refused on its field and nothing is saved: ${hookError}`);
  await commune.fill('#reminder-settings input[name=webhookUri]', '');
  await commune.click('#reminder-settings button[type=submit]');
  await commune.waitForSelector('#reminder-message.ok', { timeout: 10000 });
  const saved = await settingsNow();
  check(saved.email === 'vanthu@doson.haiphong.gov.vn' && !saved.webhookUri && saved.unitDisplayName === loop.communeName,
    `the email is kept, webhook off: ${JSON.stringify(saved)}`);
  const otherWard = await apiCall(commune, `${PLANS}/UpdateReminderSettings`, {
    reminderSettings: { name: 'units/phuong-duong-kinh/reminderSettings', email: 'x@doson.haiphong.gov.vn' }, updateMask: 'email',
  });
  check(otherWard.status === 403, `another ward's reminders are not the commune's to change (${otherWard.status})`);
  await open(leadership, `#/nhac-viec/${loop.commune}`, '#reminder-settings');
  check(await leadership.inputValue('#reminder-settings input[name=email]') === 'vanthu@doson.haiphong.gov.vn'
    && await leadership.$('#failed-reminders') !== null, 'the Sở sees the commune\'s settings and every unit\'s failed reminders');
  await commune.screenshot({ path: join(shots, 'reminders.png'), fullPage: false });

  // On a phone screen the form still fits.
  const phone = await personPage('school', '#/nhap-lieu', row('hp-18~'), { width: 390, height: 844 });
  const overflow = await phone.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  check(overflow <= 0, `the entry form fits a phone screen (${overflow}px too wide)`);
  await phone.screenshot({ path: join(shots, 'entry-form-phone.png'), fullPage: true });
} finally {
  await browser.close();
}
console.log(failures === 0 ? 'PASS' : `FAIL (${failures})`);
process.exit(failures === 0 ? 0 : 1);
