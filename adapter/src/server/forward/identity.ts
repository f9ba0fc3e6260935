import type { UserInfo } from '../auth';

// The caller's identity as kube-aggregator hands it to an aggregated server (external-metrics-api.md
// §1.1; kubernetes/apimachinery transport SetAuthProxyHeaders): X-Remote-User, one X-Remote-Group per
// group and X-Remote-Extra-<key> per extra value, keys escaped as Go's headerKeyEscape does. Pure.

// RFC 7230 token characters other than '%' stay; everything else is percent-encoded per UTF-8 byte.
const TOKEN_CHAR = /^[!#$&'*+\-.^_`|~0-9A-Za-z]$/;

// Escaped keys by key: a forwarded request repeats the caller's few extra keys (bounded: they come from
// authenticated identities).
const ESCAPED_LIMIT = 1024;
const escaped = new Map<string, string>();

export function escapeExtraKey(key: string): string {
  let out = escaped.get(key);
  if (out === undefined) {
    out = escapeKey(key);
    if (escaped.size >= ESCAPED_LIMIT) escaped.clear();
    escaped.set(key, out);
  }
  return out;
}

function escapeKey(key: string): string {
  let out = '';
  for (const byte of Buffer.from(key, 'utf8')) {
    const c = String.fromCharCode(byte);
    out += byte < 0x80 && TOKEN_CHAR.test(c) ? c : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/**
 * The identity as request header fields in undici's flat form (name, value, name, value…), one field
 * per group and per extra value; names lower-case, as undici would make them.
 */
export function frontProxyHeaders(user: UserInfo): string[] {
  const headers = ['x-remote-user', user.name];
  for (const group of user.groups) headers.push('x-remote-group', group);
  for (const key in user.extra) {
    const values = user.extra[key]!;
    if (values.length === 0) continue;
    const name = `x-remote-extra-${escapeExtraKey(key)}`;
    for (const value of values) headers.push(name, value);
  }
  return headers;
}

/** A string that is equal for equal identities: what an upstream may answer differently for. */
export function identityKey(user: UserInfo): string {
  return JSON.stringify([user.name, user.groups, Object.entries(user.extra)]);
}
