// Vietnamese presentation: decimal comma, Vietnamese collation, labels.
export const collator = new Intl.Collator('vi', { sensitivity: 'base', numeric: true });

// "54.76" (the API's decimal) → "54,76"; empty stays "—".
export function decimal(value) {
  if (value === undefined || value === null || value === '') return '—';
  return String(value).replace('.', ',');
}

export function integer(value) {
  if (value === undefined || value === null || value === '') return '—';
  return Number(value).toLocaleString('vi-VN');
}

// Đồng (an int64, a string in proto3 JSON) as triệu đồng, 2 decimals, the
// Vietnamese way: "12345678901" → "12.345,68".
export function millions(dong) {
  if (dong === undefined || dong === null || dong === '') return '0,00';
  return (Number(dong) / 1e6).toLocaleString('vi-VN', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
}

// The same as a number for sorting and export: 12345.68.
export function millionsValue(dong) {
  return Math.round(Number(dong || 0) / 1e4) / 100;
}

export function date(d) {
  if (!d || !d.year) return '—';
  const two = (n) => String(n).padStart(2, '0');
  return `${two(d.day)}/${two(d.month)}/${d.year}`;
}

export function isoToDate(iso) {
  if (!iso) return undefined;
  const [year, month, day] = iso.split('-').map(Number);
  return { year, month, day };
}

export const TARGET_STATUS = {
  MET: 'Đạt',
  ON_TRACK: 'Đúng tiến độ',
  AT_RISK: 'Có nguy cơ',
  NOT_MET: 'Không đạt',
  NO_DATA: 'Chưa có số liệu',
  TARGET_STATUS_UNSPECIFIED: 'Chưa có chỉ tiêu',
};

export const UNIT_STATUS = {
  GOOD: 'Tốt',
  WATCH: 'Cần theo dõi',
  LAGGING: 'Chậm',
  NO_DATA_STATUS: 'Chưa có số liệu',
  UNIT_STATUS_UNSPECIFIED: 'Chưa có số liệu',
};

export const TASK_STATE = {
  NOT_STARTED: 'Chưa bắt đầu',
  IN_PROGRESS: 'Đang thực hiện',
  DONE: 'Hoàn thành',
  DONE_LATE: 'Hoàn thành muộn',
  CANCELLED: 'Hủy',
  TASK_STATE_UNSPECIFIED: '—',
};

// The services a view's sections come from.
export const SERVICE = {
  plans: 'Kế hoạch',
  budget: 'Ngân sách',
  indicators: 'Chỉ tiêu',
  staffing: 'Đội ngũ',
  registry: 'Danh mục đơn vị',
};

export function freshness(section) {
  if (!section) return '';
  if (!section.available) return `Không có dữ liệu: ${section.reason}`;
  const age = parseFloat(section.age || '0');
  const when = section.fetchedTime
    ? new Date(section.fetchedTime).toLocaleTimeString('vi-VN')
    : '';
  return age >= 1
    ? `Số liệu lúc ${when} (cách đây ${Math.round(age)} giây)`
    : `Số liệu lúc ${when}`;
}

export function escapeHtml(s) {
  return String(s ?? '').replace(/[&<>"']/g, (c) => ({
    '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;',
  })[c]);
}
