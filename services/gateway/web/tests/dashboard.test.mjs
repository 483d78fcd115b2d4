// Browser test of the dashboard: headless Debian chromium driven by
// playwright-core. Run by services/gateway/browser_test.cc (ctest), which
// starts the services with the demo data and the gateway, and passes:
//   HPEDU_DASHBOARD_URL   the gateway's HTTP address
//   HPEDU_TOKEN           a bearer token to sign in with
//   HPEDU_EXPECTED        a JSON file of figures read from the gRPC API
//   HPEDU_SCREENSHOT_DIR  where to save screenshots (test artifacts)
// Exit code 0 when every check passes.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

const url = process.env.HPEDU_DASHBOARD_URL;
const token = process.env.HPEDU_TOKEN;
const expected = JSON.parse(readFileSync(process.env.HPEDU_EXPECTED, 'utf8'));
const shots = process.env.HPEDU_SCREENSHOT_DIR || '.';
const executablePath = process.env.HPEDU_CHROMIUM || '/usr/bin/chromium';

let failures = 0;
function check(condition, message) {
  if (condition) {
    console.log(`ok - ${message}`);
  } else {
    failures += 1;
    console.log(`not ok - ${message}`);
  }
}

const onScreen = (value) => (value === '' || value === undefined ? '—' : String(value).replace('.', ','));

async function figures(page) {
  return page.$$eval('#indicators [data-indicator]', (spans) =>
    spans.map((s) => ({ indicator: s.dataset.indicator, value: s.dataset.value, text: s.textContent })));
}

function compareFigures(shown, want, where) {
  check(shown.length === Object.keys(want).length,
    `${where}: ${shown.length} indicators on screen, ${Object.keys(want).length} from gRPC`);
  let same = 0;
  for (const f of shown) {
    if (want[f.indicator] === f.value && f.text === onScreen(want[f.indicator])) same += 1;
    else console.log(`  ${where}: ${f.indicator} shows ${f.text} (${f.value}), gRPC ${want[f.indicator]}`);
  }
  check(same === shown.length && shown.length > 0, `${where}: every figure on screen equals gRPC's`);
}

// The rows of a table (in the API's order) equal gRPC's, column by column.
async function compareTable(page, id, want, keys, where) {
  const rows = await page.$$eval(`${id} tbody tr`, (trs) => trs.map((tr) =>
    Object.fromEntries([...tr.querySelectorAll('td[data-col]')].map((td) => [td.dataset.col, td.textContent]))));
  check(want.length > 0, `${where}: gRPC has rows`);
  check(rows.length === want.length, `${where}: ${rows.length} rows on screen, ${want.length} from gRPC`);
  let same = 0;
  want.forEach((w, i) => {
    const row = rows[i] || {};
    const differs = keys.filter((k) => String(row[k]) !== String(w[k]));
    if (differs.length === 0) same += 1;
    else console.log(`  ${where}: row ${i} shows ${JSON.stringify(row)}, gRPC ${JSON.stringify(w)}`);
  });
  check(same === want.length, `${where}: every row on screen equals gRPC's`);
}

const browser = await chromium.launch({
  executablePath,
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
});
try {
  const context = await browser.newContext({ acceptDownloads: true, locale: 'vi-VN' });
  const page = await context.newPage();
  const requests = [];
  page.on('request', (r) => requests.push(r.url()));
  page.on('pageerror', (e) => { failures += 1; console.log(`not ok - page error: ${e.message}`); });

  // Sign in with the same token as the API.
  // The demo's school year, whatever today's date.
  await page.goto(`${url}?period=${expected.period}`);
  await page.fill('#token', token);
  await page.click('#sign-in-form button[type=submit]');

  // The city overview.
  await page.waitForSelector('#indicators tbody tr', { timeout: 20000 });
  const title = await page.textContent('#view-title');
  check(title.includes('Thành phố Hải Phòng'), `overview title in Vietnamese: ${title}`);
  compareFigures(await figures(page), expected.city.indicators, 'city');
  check((await page.textContent('#overdue')).trim() === Number(expected.city.overdue).toLocaleString('vi-VN'),
    `overdue tasks ${await page.textContent('#overdue')} = gRPC ${expected.city.overdue}`);
  check((await page.textContent('#due-soon')).trim() === Number(expected.city.dueSoon).toLocaleString('vi-VN'),
    'tasks due soon equal gRPC');
  check(await page.isVisible('svg.chart'), 'attainment chart drawn');
  check((await page.$$('.tile')).length === expected.city.communes, `${expected.city.communes} communes coloured`);
  await compareTable(page, '#staffing', expected.city.staffing, ['level', 'required', 'actual', 'shortage', 'surplus'], 'city staffing');
  await compareTable(page, '#budget', expected.city.budget, ['rule', 'sharePercent', 'thresholdPercent'], 'city budget');
  check(await page.isVisible('svg.chart[aria-label="Tỷ trọng ngân sách so với ngưỡng"] rect'), 'budget-shares chart draws the shares');
  await page.screenshot({ path: join(shots, 'dashboard-city.png'), fullPage: true });

  // Vietnamese sorting of the communes table.
  await page.click('#communes th[data-key="name"]');
  const names = await page.$$eval('#communes tbody tr td:first-child', (tds) => tds.map((td) => td.textContent));
  const sorted = [...names].sort(new Intl.Collator('vi', { sensitivity: 'base', numeric: true }).compare);
  check(JSON.stringify(names) === JSON.stringify(sorted), 'communes sorted in Vietnamese order');

  // CSV and XLSX export of a table.
  const [csv] = await Promise.all([
    page.waitForEvent('download'),
    page.click('#indicators >> xpath=ancestor::section[1] >> [data-export="csv"]'),
  ]);
  const csvText = readFileSync(await csv.path(), 'utf8');
  check(csvText.startsWith('\uFEFFMã,Chỉ tiêu,Giá trị'), 'CSV export has the Vietnamese header');
  check(csv.suggestedFilename().endsWith('.csv'), `CSV file name ${csv.suggestedFilename()}`);
  const [xlsx] = await Promise.all([
    page.waitForEvent('download'),
    page.click('#indicators >> xpath=ancestor::section[1] >> [data-export="xlsx"]'),
  ]);
  const xlsxBytes = readFileSync(await xlsx.path());
  check(xlsxBytes[0] === 0x50 && xlsxBytes[1] === 0x4b, 'XLSX export is a zip (Office Open XML)');

  // Drill down: city → commune.
  await page.click(`#communes a[href="#/xa/${expected.commune.id}"]`);
  await page.waitForFunction((name) => document.querySelector('#view-title')?.textContent.includes(name),
    expected.commune.displayName, { timeout: 20000 });
  await page.waitForSelector('#indicators tbody tr');
  compareFigures(await figures(page), expected.commune.indicators, 'commune');
  await compareTable(page, '#staffing', expected.commune.staffing, ['level', 'required', 'actual', 'shortage', 'surplus'], 'commune staffing');
  await compareTable(page, '#budget', expected.commune.budget, ['rule', 'sharePercent', 'thresholdPercent'], 'commune budget');
  await page.screenshot({ path: join(shots, 'dashboard-commune.png'), fullPage: true });

  // → school.
  const school = await page.$('#schools tbody a');
  check(school !== null, 'the commune lists its schools');
  if (school) {
    const schoolName = (await school.textContent()).trim();
    await school.click();
    await page.waitForFunction((name) => document.querySelector('#view-title')?.textContent.includes(name),
      schoolName, { timeout: 20000 });
    check((await page.$$('#school-figures tbody tr')).length > 0, `school ${schoolName} shows its figures`);
  }

  // The chasing list.
  await page.click('a[href="#/don-doc"]');
  await page.waitForSelector('#by-lead tbody tr', { timeout: 20000 });
  check((await page.textContent('#overdue')).trim() === Number(expected.city.overdue).toLocaleString('vi-VN'),
    'chasing list overdue equals gRPC');
  // Its lagging investment projects: their own count and table.
  await page.waitForSelector('#chasing-budget tbody tr td[data-col]', { timeout: 20000 });
  check((await page.textContent('#lagging-projects')).trim() === Number(expected.chasing.lagging).toLocaleString('vi-VN'),
    `lagging projects ${await page.textContent('#lagging-projects')} = gRPC ${expected.chasing.lagging}`);
  await compareTable(page, '#chasing-budget', expected.chasing.budget, ['content', 'lead', 'commune'], 'lagging projects');
  check((await page.textContent('#chasing-budget td[data-col="lagDong"]')).includes(','),
    'lag shown in triệu đồng with a decimal comma');
  await page.click('#chasing-budget th[data-key="lead"]');
  const payers = await page.$$eval('#chasing-budget tbody td[data-col="lead"]', (tds) => tds.map((td) => td.textContent));
  check(JSON.stringify(payers) === JSON.stringify([...payers].sort(new Intl.Collator('vi', { sensitivity: 'base', numeric: true }).compare)),
    'lagging projects sorted by paying unit in Vietnamese order');
  const [projectsCsv] = await Promise.all([
    page.waitForEvent('download'),
    page.click('#chasing-budget >> xpath=ancestor::section[1] >> [data-export="csv"]'),
  ]);
  check(readFileSync(await projectsCsv.path(), 'utf8').startsWith('\uFEFFDự án,Ngân sách chi trả,"Xã, phường",Kế hoạch đến nay (triệu đồng)'),
    'lagging projects CSV has the Vietnamese header');
  await page.screenshot({ path: join(shots, 'dashboard-chasing.png'), fullPage: true });

  // Offline: every request went to the gateway itself.
  const origin = new URL(url).origin;
  const foreign = requests.filter((r) => !r.startsWith(origin) && !r.startsWith('blob:') && !r.startsWith('data:'));
  check(foreign.length === 0, `no request leaves the gateway (${foreign.join(', ')})`);
} finally {
  await browser.close();
}
console.log(failures === 0 ? 'PASS' : `FAIL (${failures})`);
process.exit(failures === 0 ? 0 : 1);
