// Reading an uploaded CSV or XLSX file as the CSV the services import, in
// the browser. XLSX (Office Open XML) is unzipped with fflate and its first
// worksheet read with DOMParser: shared and inline strings, numbers and
// booleans. Each CSV line keeps the spreadsheet row it came from, so an
// error on a line is reported on the row the person sees in Excel.
import { strFromU8, unzipSync } from 'fflate';

function csvCell(value) {
  const s = String(value ?? '');
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

// "AB12" → 27 (0-based column).
function columnIndex(ref) {
  let n = 0;
  for (const c of /^[A-Z]+/.exec(ref)?.[0] || 'A') n = n * 26 + (c.charCodeAt(0) - 64);
  return n - 1;
}

const text = (node) => [...node.getElementsByTagName('t')].map((t) => t.textContent).join('');

// The rows of the first worksheet: [{row: 1-based row number, cells: [...]}].
export function readXlsx(bytes) {
  const files = unzipSync(bytes);
  const parse = (name) => new DOMParser().parseFromString(strFromU8(files[name]), 'application/xml');
  const shared = files['xl/sharedStrings.xml']
    ? [...parse('xl/sharedStrings.xml').getElementsByTagName('si')].map(text)
    : [];
  const sheet = Object.keys(files).filter((n) => /^xl\/worksheets\/[^/]+\.xml$/.test(n)).sort()[0];
  if (!sheet) throw new Error('Tệp XLSX không có trang tính nào');
  const rows = [];
  for (const r of parse(sheet).getElementsByTagName('row')) {
    const cells = [];
    for (const c of r.getElementsByTagName('c')) {
      const type = c.getAttribute('t');
      const v = c.getElementsByTagName('v')[0]?.textContent ?? '';
      let value = v;
      if (type === 's') value = shared[Number(v)] ?? '';
      else if (type === 'inlineStr') value = text(c);
      else if (type === 'b') value = v === '1' ? 'true' : 'false';
      cells[columnIndex(c.getAttribute('r') || '')] = value;
    }
    rows.push({ row: Number(r.getAttribute('r')) || rows.length + 1, cells: [...cells].map((x) => x ?? '') });
  }
  return rows;
}

// {csv, rows}: the file as CSV text, and for CSV line i + 1 the file's row
// rows[i]. A CSV file is passed through (its lines are its rows).
export async function readUpload(file) {
  if (/\.xlsx$/i.test(file.name)) {
    const sheet = readXlsx(new Uint8Array(await file.arrayBuffer()))
      .filter((r) => r.cells.some((c) => String(c).trim() !== ''));
    return {
      csv: `${sheet.map((r) => r.cells.map(csvCell).join(',')).join('\n')}\n`,
      rows: sheet.map((r) => r.row),
    };
  }
  const csv = (await file.text()).replace(/^\uFEFF/, '');
  return { csv, rows: null };
}
