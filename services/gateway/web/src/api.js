// The gateway's HTTP/JSON API (proto3 canonical JSON): one function per
// RPC, all through the same generic route POST /api/v1/{Method}, with the
// signed-in person's token.
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

export async function call(method, request) {
  progress(+1);
  try {
    const response = await fetch(`api/v1/${method}`, {
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

export const api = {
  cityOverview: (r) => call('GetCityOverview', r),
  communeProfile: (r) => call('GetCommuneProfile', r),
  rankCommunes: (r) => call('RankCommunes', r),
  planCascade: (r) => call('GetPlanCascade', r),
  chasingList: (r) => call('GetChasingList', r),
};
