// Reminders (#/nhac-viec[/unit]): where a unit's reminder digests go, by
// email and/or webhook, and what was sent to it. A commune officer sees
// their own unit; the Sở picks any unit and also sees every unit's failed
// reminders. Reads and writes go to the plans service as the signed-in
// person; what may be changed is the server's to say.
import {claims, listAll, plans, registry, violations} from './api.js';
import {collator, date, escapeHtml} from './format.js';

const CITY = 'units/hai-phong';
const SO = 'units/so-gddt';
const id = (name) => String(name || '').replace(/^[a-z]+\//, '');

const REMINDER_STATE = {
  PENDING: 'Đang chờ gửi',
  SENT: 'Đã gửi',
  FAILED: 'Gửi không được',
};
const CHANNEL = {
  EMAIL: 'Email',
  WEBHOOK: 'Webhook'
};

function remindersTable(reminders, names) {
  if (!reminders.length)
    return '<p class="muted">Chưa có thư nhắc việc nào.</p>';
  const rows =
      reminders
          .map((r) => {
            const unit = r.name.split('/reminders/')[0];
            return `<tr data-reminder="${escapeHtml(r.name)}" data-state="${
                escapeHtml(r.state)}">
      <td>${date(r.scheduleDate)}</td>
      ${names ? `<td>${escapeHtml(names.get(unit) || id(unit))}</td>` : ''}
      <td>${CHANNEL[r.channel] || r.channel}</td>
      <td>${escapeHtml(r.address)}</td>
      <td>${escapeHtml(r.subject)}</td>
      <td class="state">${REMINDER_STATE[r.state] || r.state}</td>
      <td class="num">${r.attempts || 0}</td>
      <td>${escapeHtml(r.lastError || '')}</td></tr>`;
          })
          .join('');
  return `<table class="reminders"><thead><tr><th>Ngày</th>${
      names ? '<th>Đơn vị</th>' : ''}<th>Kênh</th><th>Gửi tới</th>
    <th>Tiêu đề</th><th>Trạng thái</th><th>Số lần gửi</th><th>Lỗi lần cuối</th></tr></thead><tbody>${
      rows}</tbody></table>`;
}

export async function remindersView(app, unitId) {
  const c = claims();
  const atSo = c.role === 'leadership' || c.role === 'division';
  const unit = `units/${unitId || id(c.unit) || id(SO)}`;
  const [settings, own, units, known] = await Promise.all([
    plans('GetReminderSettings', {name: `${unit}/reminderSettings`}),
    plans('ListReminders', {parent: unit, pageSize: 50}),
    atSo ? listAll(registry, 'ListUnits', {parent: CITY}, 'units') :
           Promise.resolve([]),
    registry('GetUnit', {name: unit}).catch(() => null),
  ]);
  const failed = atSo ?
      await plans(
          'ListReminders', {parent: 'units/-', state: 'FAILED', pageSize: 50}) :
      null;
  const names = new Map(units.map((u) => [u.name, u.displayName]));
  names.set(unit, known?.displayName || settings.unitDisplayName || id(unit));
  const choices = atSo ?
      [...units]
          .sort((a, b) => collator.compare(a.displayName, b.displayName))
          .map(
              (u) => `<option value="${escapeHtml(id(u.name))}"${
                  u.name === unit ? ' selected' :
                                    ''}>${escapeHtml(u.displayName)}</option>`)
          .join('') :
      '';
  app.innerHTML = `<div id="reminders"><h1 id="view-title">Nhắc việc — ${
      escapeHtml(names.get(unit))}</h1>
    ${
      atSo ? `<p><label>Đơn vị <select id="reminder-unit"><option value="${
                 escapeHtml(id(SO))}">Sở Giáo dục và Đào tạo</option>${
                 choices}</select></label></p>` :
             ''}
    <p class="muted">Hệ thống gửi thư nhắc những nhiệm vụ và báo cáo định kỳ của đơn vị sắp đến hạn (trước 7 ngày, 1 ngày, trong ngày)
      hoặc đã quá hạn (ngày hôm sau và mỗi thứ Hai), mỗi ngày một thư trên mỗi kênh. Để trống một kênh là tắt kênh đó.</p>
    <form id="reminder-settings" class="block">
      <p><label>Email nhận nhắc việc <input name="email" type="email" size="40" value="${
      escapeHtml(settings.email || '')}"></label>
        <span class="field-error" data-field="reminder_settings.email"></span></p>
      <p><label>Webhook (https://) <input name="webhookUri" size="50" value="${
      escapeHtml(settings.webhookUri || '')}"></label>
        <span class="field-error" data-field="reminder_settings.webhook_uri"></span></p>
      <p><button type="submit">Lưu</button> <span id="reminder-message"></span></p>
    </form>
    <section class="block"><h2>Thư đã gửi cho đơn vị</h2>${
      remindersTable(own.reminders || [], null)}</section>
    ${
      failed ?
          `<section class="block" id="failed-reminders"><h2>Thư gửi không được (mọi đơn vị)</h2>${
              remindersTable(failed.reminders || [], names)}</section>` :
          ''}
  </div>`;
  app.querySelector('#reminder-unit')?.addEventListener('change', (event) => {
    location.hash = `#/nhac-viec/${event.target.value}`;
  });
  const form = app.querySelector('#reminder-settings');
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const message = form.querySelector('#reminder-message');
    form.querySelectorAll('.field-error').forEach((el) => {
      el.textContent = '';
    });
    message.className = '';
    message.textContent = 'Đang lưu…';
    try {
      const saved = await plans('UpdateReminderSettings', {
        reminderSettings: {
          name: settings.name,
          email: form.email.value.trim(),
          webhookUri: form.webhookUri.value.trim(),
          etag: settings.etag,
        },
        updateMask: 'email,webhookUri',
      });
      settings.etag = saved.etag;
      message.className = 'ok';
      message.textContent = 'Đã lưu.';
    } catch (error) {
      for (const v of violations(error)) {
        const el = form.querySelector(`.field-error[data-field="${v.field}"]`);
        if (el) el.textContent = v.description;
      }
      message.className = 'error';
      message.textContent = error.status === 403 ?
          `Không có quyền: ${error.message}` :
          error.message;
    }
  });
}
