// Discovery documents for external.metrics.k8s.io/v1beta1, rendered once (external-metrics-api.md §1.4,
// §1.5). Every served metric is listed so that the resource list is never empty (§1.4).

import { createHash } from 'node:crypto';
import { SERVED_METRICS } from '../../snapshot/snapshot';

export const EXTERNAL_METRICS_GROUP = 'external.metrics.k8s.io';
export const EXTERNAL_METRICS_VERSION = 'v1beta1';
export const EXTERNAL_METRICS_GROUP_VERSION = `${EXTERNAL_METRICS_GROUP}/${EXTERNAL_METRICS_VERSION}`;
const VALUE_LIST_KIND = 'ExternalMetricValueList';

const groupVersion = { groupVersion: EXTERNAL_METRICS_GROUP_VERSION, version: EXTERNAL_METRICS_VERSION };

// Go's encoder appends a newline to every JSON document (§1.8).
const json = (value: unknown): string => `${JSON.stringify(value)}\n`;

/** `GET /apis/external.metrics.k8s.io/v1beta1` (§1.4) listing `names` (with forwarding: the union). */
export function apiResourceList(names: readonly string[]): string {
  return json({
    kind: 'APIResourceList',
    apiVersion: 'v1',
    groupVersion: EXTERNAL_METRICS_GROUP_VERSION,
    resources: names.map((name) => ({
      name,
      singularName: '',
      namespaced: true,
      kind: VALUE_LIST_KIND,
      verbs: ['get'],
    })),
  });
}

export const API_RESOURCE_LIST = apiResourceList(SERVED_METRICS);

const apiGroup = {
  name: EXTERNAL_METRICS_GROUP,
  versions: [groupVersion],
  preferredVersion: groupVersion,
};

/** `GET /apis/external.metrics.k8s.io` (§1.4). */
export const API_GROUP = json({ kind: 'APIGroup', apiVersion: 'v1', ...apiGroup });

/** Legacy `GET /apis`: the generic server strips apiVersion here (§1.4, stripVersionNegotiatedSerializer). */
export const API_GROUP_LIST = json({ kind: 'APIGroupList', groups: [apiGroup] });

export type AggregatedDiscoveryVersion = 'v2' | 'v2beta1';

export interface AggregatedDocument {
  readonly body: string;
  readonly contentType: string;
  /** Quoted strong validator, as the aggregated handler sets it (§1.5). */
  readonly etag: string;
}

export function aggregatedDocument(
  version: AggregatedDiscoveryVersion,
  names: readonly string[],
): AggregatedDocument {
  const body = json({
    kind: 'APIGroupDiscoveryList',
    apiVersion: `apidiscovery.k8s.io/${version}`,
    metadata: {},
    items: [
      {
        metadata: { name: EXTERNAL_METRICS_GROUP, creationTimestamp: null },
        versions: [
          {
            version: EXTERNAL_METRICS_VERSION,
            resources: names.map((resource) => ({
              resource,
              responseKind: { group: '', version: '', kind: VALUE_LIST_KIND },
              scope: 'Namespaced',
              singularResource: '',
              verbs: ['get'],
            })),
            freshness: 'Current',
          },
        ],
      },
    ],
  });
  return {
    body,
    contentType: `application/json;g=apidiscovery.k8s.io;v=${version};as=APIGroupDiscoveryList`,
    etag: `"${createHash('sha256').update(body).digest('hex').slice(0, 32)}"`,
  };
}

/** Aggregated `GET /apis` documents for each apidiscovery version a kube-aggregator may ask for (§1.5). */
export const AGGREGATED_DISCOVERY: Readonly<Record<AggregatedDiscoveryVersion, AggregatedDocument>> = {
  v2: aggregatedDocument('v2', SERVED_METRICS),
  v2beta1: aggregatedDocument('v2beta1', SERVED_METRICS),
};
