// The gateway's HTTP/JSON API (proto3 canonical JSON): one function per
// RPC, all through the same generic routes, POST /api/v1/{Method} for the
// gateway's views and POST /api/{full service name}/{Method} for the
// services it passes through, with the signed-in person's token.
const TOKEN_KEY = 'hpedu.token';

export function token() {
  return sessionStorage.getItem(TOKEN_KEY) || '';
}

export function signIn(value) {
  sessionStorage.setItem(TOKEN_KEY, value.trim());
}

export function signOut() {
  sessionStorage.removeItem(TOKEN_KEY);
}

// The token's claims (role, unit, name), read without verifying: the
// services verify it; this only chooses what to show first.
export function claims() {
  const t = token();
  const part = t.split('.')[1];
  if (!part) return {};
  try {
    const json = atob(part.replace(/-/g, '+').replace(/_/g, '/'));
    const bytes = Uint8Array.from(json, (c) => c.charCodeAt(0));
    return JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    return {};
  }
}

export class ApiError extends Error {
  constructor(status, body) {
    super(body?.error?.message || `HTTP ${status}`);
    this.status = status;
    this.body = body;
  }
}

let inFlight = 0;
function progress(delta) {
  inFlight += delta;
  const bar = document.getElementById('progress');
  if (bar) bar.hidden = inFlight === 0;
}

async function post(path, request) {
  progress(+1);
  try {
    const response = await fetch(path, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        ...(token() ? { Authorization: `Bearer ${token()}` } : {}),
      },
      body: JSON.stringify(request),
    });
    const body = await response.json().catch(() => ({}));
    if (!response.ok) throw new ApiError(response.status, body);
    return body;
  } finally {
    progress(-1);
  }
}

export const call = (method, request) => post(`api/v1/${method}`, request);
const service = (name) => (method, request) => post(`api/${name}/${method}`, request);
export const registry = service('hpedu.registry.v1.RegistryService');
export const plans = service('hpedu.plans.v1.PlansService');
export const indicators = service('hpedu.indicators.v1.IndicatorsService');
export const approvals = service('hpedu.indicators.v1.ApprovalService');

// Every item of a paged List call (AIP-158).
export async function listAll(callService, method, request, items) {
  const all = [];
  let pageToken = '';
  do {
    const page = await callService(method, { ...request, pageSize: 1000, pageToken });
    all.push(...(page[items] || []));
    pageToken = page.nextPageToken || '';
  } while (pageToken);
  return all;
}

// An AIP-155 request id (a UUID v4), also where crypto.randomUUID is not
// offered (plain HTTP on a LAN address).
export function requestId() {
  if (crypto.randomUUID) return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

// The google.rpc.BadRequest violations and ErrorInfo of an ApiError.
export function violations(error) {
  const details = error?.body?.error?.details || [];
  return details.flatMap((d) => d.fieldViolations || []);
}
export function reason(error) {
  const info = (error?.body?.error?.details || []).find((d) => d.reason);
  return info?.reason || '';
}

export const api = {
  cityOverview: (r) => call('GetCityOverview', r),
  communeProfile: (r) => call('GetCommuneProfile', r),
  rankCommunes: (r) => call('RankCommunes', r),
  planCascade: (r) => call('GetPlanCascade', r),
  chasingList: (r) => call('GetChasingList', r),
};
