// Charts as plain SVG, drawn here (no chart library, nothing to download).
import { escapeHtml, decimal, TARGET_STATUS, UNIT_STATUS } from './format.js';

const STATUS_COLOUR = {
  MET: '#2e7d32', ON_TRACK: '#7cb342', AT_RISK: '#f9a825', NOT_MET: '#c62828',
  NO_DATA: '#9e9e9e', TARGET_STATUS_UNSPECIFIED: '#bdbdbd',
};
const UNIT_COLOUR = {
  GOOD: '#2e7d32', WATCH: '#f9a825', LAGGING: '#c62828',
  NO_DATA_STATUS: '#9e9e9e', UNIT_STATUS_UNSPECIFIED: '#9e9e9e',
};

// Each indicator's figure as a share of its target (100% = target met).
export function attainmentChart(lines) {
  const rows = lines.filter((l) => l.attainmentPercent !== '' && l.attainmentPercent !== undefined);
  const bar = 18;
  const left = 90;
  const width = 640;
  const scaleMax = 150;
  const height = rows.length * (bar + 6) + 30;
  const x = (p) => left + (Math.min(p, scaleMax) / scaleMax) * (width - left - 60);
  const parts = [`<svg class="chart" role="img" aria-label="Mức đạt chỉ tiêu" viewBox="0 0 ${width} ${height}" width="100%">`];
  rows.forEach((line, i) => {
    const y = 10 + i * (bar + 6);
    const p = Number(line.attainmentPercent);
    parts.push(`<text x="${left - 6}" y="${y + bar - 5}" text-anchor="end" class="label">${escapeHtml(line.code || line.indicator)}</text>`);
    parts.push(`<rect x="${left}" y="${y}" width="${Math.max(1, x(p) - left)}" height="${bar}" fill="${STATUS_COLOUR[line.status] || '#90a4ae'}"><title>${escapeHtml(line.displayName)}: ${decimal(line.figure?.value)} / ${decimal(line.targetValue)} (${TARGET_STATUS[line.status] || ''})</title></rect>`);
    parts.push(`<text x="${x(p) + 4}" y="${y + bar - 5}" class="value">${decimal(line.attainmentPercent)}%</text>`);
  });
  const hundred = x(100);
  parts.push(`<line x1="${hundred}" y1="0" x2="${hundred}" y2="${height - 16}" class="threshold"/>`);
  parts.push(`<text x="${hundred}" y="${height - 4}" text-anchor="middle" class="label">100% chỉ tiêu</text>`);
  parts.push('</svg>');
  return rows.length ? parts.join('') : '<p class="muted">Chưa có chỉ tiêu nào có số liệu.</p>';
}

// The communes as tiles coloured by status; each links to its profile.
export function unitTiles(children, href) {
  const legend = Object.entries({ GOOD: 1, WATCH: 1, LAGGING: 1, NO_DATA_STATUS: 1 })
    .map(([k]) => `<span class="legend"><i style="background:${UNIT_COLOUR[k]}"></i>${UNIT_STATUS[k]}</span>`)
    .join('');
  const tiles = children
    .map((c) => `<a class="tile" data-status="${c.status}" data-unit="${escapeHtml(c.unit.name)}" href="${href(c.unit.name)}" style="background:${UNIT_COLOUR[c.status] || '#9e9e9e'}" title="${escapeHtml(c.unit.displayName)}: ${UNIT_STATUS[c.status] || ''} — đạt ${c.met}, không đạt ${c.notMet}, chưa có số liệu ${c.noData}">${escapeHtml(c.unit.displayName.replace(/^(Phường|Xã|Đặc khu) /, ''))}</a>`)
    .join('');
  return `<div class="legend-row">${legend}</div><div class="tiles">${tiles}</div>`;
}

// Budget shares against their thresholds (education ≥ 20% of spending,
// science and technology ≥ 5%...). Without data the thresholds still show.
export function budgetChart(shares, available) {
  const rules = shares.length
    ? shares
    : [
        { rule: 'Chi giáo dục / tổng chi ngân sách', thresholdPercent: '20' },
        { rule: 'Chi khoa học, công nghệ / chi giáo dục', thresholdPercent: '5' },
      ];
  const width = 640;
  const left = 260;
  const bar = 22;
  const height = rules.length * (bar + 14) + 30;
  const x = (p) => left + (Math.min(Number(p) || 0, 40) / 40) * (width - left - 50);
  const parts = [`<svg class="chart" role="img" aria-label="Tỷ trọng ngân sách so với ngưỡng" viewBox="0 0 ${width} ${height}" width="100%">`];
  rules.forEach((share, i) => {
    const y = 10 + i * (bar + 14);
    parts.push(`<text x="${left - 8}" y="${y + bar - 6}" text-anchor="end" class="label">${escapeHtml(share.rule)}</text>`);
    if (available && share.sharePercent !== undefined) {
      parts.push(`<rect x="${left}" y="${y}" width="${Math.max(1, x(share.sharePercent) - left)}" height="${bar}" fill="${share.meets ? '#2e7d32' : '#c62828'}"/>`);
      parts.push(`<text x="${x(share.sharePercent) + 4}" y="${y + bar - 6}" class="value">${decimal(share.sharePercent)}%</text>`);
    }
    const t = x(share.thresholdPercent);
    parts.push(`<line x1="${t}" y1="${y - 3}" x2="${t}" y2="${y + bar + 3}" class="threshold"/>`);
    parts.push(`<text x="${t}" y="${y + bar + 12}" text-anchor="middle" class="label">ngưỡng ${decimal(share.thresholdPercent)}%</text>`);
  });
  parts.push('</svg>');
  return parts.join('');
}
