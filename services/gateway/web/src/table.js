// A sortable table with CSV and XLSX export. Text columns sort in
// Vietnamese order (Intl.Collator('vi')), numeric columns by value.
import { collator, escapeHtml } from './format.js';
import { downloadCsv, downloadXlsx } from './export.js';

// columns: [{key, label, numeric?, raw?(row) -> export value,
//            html?(row) -> cell HTML, sortValue?(row)}]
export function renderTable(container, { id, title, columns, rows, exportName, empty }) {
  const state = { key: null, descending: false };
  const section = document.createElement('section');
  section.className = 'table-block';
  section.innerHTML = `
    <div class="table-head">
      <h3>${escapeHtml(title)}</h3>
      <div class="exports">
        <button type="button" data-export="csv">Tải CSV</button>
        <button type="button" data-export="xlsx">Tải XLSX</button>
      </div>
    </div>
    <table id="${escapeHtml(id)}"><thead><tr></tr></thead><tbody></tbody></table>`;
  container.appendChild(section);
  const table = section.querySelector('table');
  const headRow = table.querySelector('thead tr');
  const body = table.querySelector('tbody');

  const value = (row, column) =>
    column.sortValue ? column.sortValue(row) : column.raw ? column.raw(row) : row[column.key];

  function sorted() {
    if (!state.key) return rows;
    const column = columns.find((c) => c.key === state.key);
    const copy = [...rows];
    copy.sort((a, b) => {
      const x = value(a, column);
      const y = value(b, column);
      let order;
      if (column.numeric) {
        const nx = x === '' || x === undefined ? -Infinity : Number(x);
        const ny = y === '' || y === undefined ? -Infinity : Number(y);
        order = nx - ny;
      } else {
        order = collator.compare(String(x ?? ''), String(y ?? ''));
      }
      return state.descending ? -order : order;
    });
    return copy;
  }

  function draw() {
    headRow.innerHTML = columns
      .map((c) => {
        const mark = state.key === c.key ? (state.descending ? ' ▼' : ' ▲') : '';
        return `<th data-key="${escapeHtml(c.key)}" class="${c.numeric ? 'num' : ''}">${escapeHtml(c.label)}${mark}</th>`;
      })
      .join('');
    const list = sorted();
    if (list.length === 0) {
      body.innerHTML = `<tr><td colspan="${columns.length}" class="empty">${escapeHtml(empty || 'Không có dòng nào')}</td></tr>`;
      return;
    }
    body.innerHTML = list
      .map((row) => `<tr>${columns
        .map((c) => `<td class="${c.numeric ? 'num' : ''}" data-col="${escapeHtml(c.key)}">${c.html ? c.html(row) : escapeHtml(value(row, c) ?? '')}</td>`)
        .join('')}</tr>`)
      .join('');
  }

  headRow.addEventListener('click', (event) => {
    const th = event.target.closest('th');
    if (!th) return;
    const key = th.dataset.key;
    state.descending = state.key === key ? !state.descending : false;
    state.key = key;
    draw();
  });
  section.querySelector('[data-export="csv"]').addEventListener('click', () =>
    downloadCsv(exportName, columns, sorted()));
  section.querySelector('[data-export="xlsx"]').addEventListener('click', () =>
    downloadXlsx(exportName, columns, sorted()));
  draw();
  return section;
}
