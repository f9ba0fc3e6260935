// Accept-header negotiation (external-metrics-api.md §1.3, §1.5). This server speaks JSON only: it
// answers application/json whenever JSON or a wildcard is acceptable (the HPA sends
// `application/vnd.kubernetes.protobuf, */*`), and the apidiscovery media types on `/apis`.

import type { AggregatedDiscoveryVersion } from './discovery';

interface MediaRange {
  readonly type: string;
  readonly subtype: string;
  readonly params: ReadonlyMap<string, string>;
  readonly quality: number;
}

/** What `/apis` should answer: an aggregated document, the legacy APIGroupList, or 406. */
export type DiscoveryChoice = AggregatedDiscoveryVersion | 'legacy' | 'none';

const acceptCache = new Map<string, { json: boolean; discovery: DiscoveryChoice }>();
const ACCEPT_CACHE_LIMIT = 256;

/** True when a plain application/json response is acceptable. */
export function acceptsJson(accept: string | undefined): boolean {
  return negotiate(accept).json;
}

export function negotiateDiscovery(accept: string | undefined): DiscoveryChoice {
  return negotiate(accept).discovery;
}

function negotiate(accept: string | undefined): { json: boolean; discovery: DiscoveryChoice } {
  if (accept === undefined || accept.trim() === '') return { json: true, discovery: 'legacy' };
  let result = acceptCache.get(accept);
  if (result === undefined) {
    const ranges = parseAccept(accept);
    result = { json: ranges.some(isPlainJson), discovery: chooseDiscovery(ranges) };
    if (acceptCache.size >= ACCEPT_CACHE_LIMIT) acceptCache.clear();
    acceptCache.set(accept, result);
  }
  return result;
}

function chooseDiscovery(ranges: readonly MediaRange[]): DiscoveryChoice {
  // Highest quality first; among equals the client's order (Array.prototype.sort is stable).
  for (const range of [...ranges].sort((a, b) => b.quality - a.quality)) {
    const aggregated = aggregatedVersion(range);
    if (aggregated !== undefined) return aggregated;
    if (isPlainJson(range)) return 'legacy';
  }
  return 'none';
}

/** client-go ContentTypeIsGVK: base application/json with g, v, as in any order (§1.5). */
function aggregatedVersion(range: MediaRange): AggregatedDiscoveryVersion | undefined {
  if (range.type !== 'application' || range.subtype !== 'json') return undefined;
  if (range.params.get('g') !== 'apidiscovery.k8s.io' || range.params.get('as') !== 'APIGroupDiscoveryList') {
    return undefined;
  }
  const version = range.params.get('v');
  return version === 'v2' || version === 'v2beta1' ? version : undefined;
}

/** JSON with no conversion asked for (`as=Table` and friends request another kind). */
function isPlainJson(range: MediaRange): boolean {
  if (range.params.has('as') || range.params.has('g') || range.params.has('v')) return false;
  if (range.type === '*') return range.subtype === '*';
  return range.type === 'application' && (range.subtype === '*' || range.subtype === 'json');
}

function parseAccept(accept: string): MediaRange[] {
  const ranges: MediaRange[] = [];
  for (const part of accept.split(',')) {
    const [mediaType = '', ...paramTexts] = part.split(';');
    const [type = '', subtype = ''] = mediaType.trim().toLowerCase().split('/');
    if (type === '' || subtype === '') continue;
    const params = new Map<string, string>();
    let quality = 1;
    for (const text of paramTexts) {
      const eq = text.indexOf('=');
      if (eq < 0) continue;
      const key = text.slice(0, eq).trim().toLowerCase();
      const value = text
        .slice(eq + 1)
        .trim()
        .replace(/^"(.*)"$/, '$1');
      if (key === 'q') quality = Number.isFinite(Number(value)) ? Number(value) : 0;
      else params.set(key, value);
    }
    if (quality > 0) ranges.push({ type, subtype, params, quality });
  }
  return ranges;
}
