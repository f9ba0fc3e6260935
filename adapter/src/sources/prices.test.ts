import {
  fetchNodePrices,
  fetchReplicaRequests,
  NODE_PRICES_QUERY,
  podPattern,
  replicaRequestsQuery,
  workloadKey,
} from './prices';
import type { PrometheusQuerier } from './prometheusClient';
import { PrometheusError } from './prometheusError';
import type { Labels, QueryResponse } from './prometheusResponse';

function querier(answer: (query: string) => QueryResponse | Error): PrometheusQuerier & { asked: string[] } {
  const asked: string[] = [];
  return {
    name: 'prom',
    asked,
    instant: async (query) => {
      asked.push(query);
      const a = answer(query);
      if (a instanceof Error) throw a;
      return a;
    },
    range: () => Promise.reject(new Error('not used')),
  };
}

const vector = (...rows: Array<[Labels, number]>): QueryResponse => ({
  data: { resultType: 'vector', samples: rows.map(([labels, value]) => ({ labels, timestamp: 0, value })) },
  warnings: [],
});

describe('fetchNodePrices', () => {
  it('joins the OpenCost series on node in one request', async () => {
    const q = querier(() =>
      vector(
        [{ __name__: 'node_cpu_hourly_cost', node: 'b' }, 0.03],
        [{ __name__: 'node_ram_hourly_cost', node: 'b' }, 0.004],
        [{ __name__: 'kubecost_node_is_spot', node: 'b' }, 1],
        [{ __name__: 'node_cpu_hourly_cost', node: 'a' }, 0.04],
        [{ __name__: 'node_ram_hourly_cost', node: 'a' }, 0.005],
        [{ __name__: 'node_gpu_hourly_cost', node: 'a' }, 0.9],
        [{ __name__: 'node_gpu_count', node: 'a' }, 2],
        [{ __name__: 'node_gpu_hourly_cost', node: 'b' }, 0],
        [{ __name__: 'node_gpu_count', node: 'b' }, 0],
        [{ __name__: 'kubecost_node_is_spot', node: 'a' }, 0],
      ),
    );
    const result = await fetchNodePrices(q);
    expect(result).toEqual({
      ok: true,
      value: [
        { node: 'a', cpuCoreHour: 0.04, ramGiBHour: 0.005, gpuHour: 0.9, spot: false },
        { node: 'b', cpuCoreHour: 0.03, ramGiBHour: 0.004, spot: true },
      ],
      warnings: [],
    });
    expect(q.asked).toEqual([NODE_PRICES_QUERY]);
  });

  it('marks missing CPU or RAM prices as NaN and keeps a GPU price without a GPU count when positive', async () => {
    const q = querier(() =>
      vector(
        [{ __name__: 'node_ram_hourly_cost', node: 'c' }, 0.004],
        [{ __name__: 'node_gpu_hourly_cost', node: 'c' }, 2],
      ),
    );
    const result = await fetchNodePrices(q);
    if (!result.ok) throw new Error(result.error);
    expect(result.value[0]).toEqual({
      node: 'c',
      cpuCoreHour: NaN,
      ramGiBHour: 0.004,
      gpuHour: 2,
      spot: false,
    });
  });

  it('is an error, not an empty list, when OpenCost series are absent', async () => {
    const result = await fetchNodePrices(querier(() => vector([{ __name__: 'node_cpu_hourly_cost' }, 1])));
    expect(result).toEqual({
      ok: false,
      error: expect.stringMatching(/^Prometheus backend "prom": no OpenCost node price series/),
    });
  });

  it('passes query failures on as errors', async () => {
    const failure = new PrometheusError('request failed: ECONNREFUSED', {
      backend: 'prom',
      query: NODE_PRICES_QUERY,
      kind: 'network',
      retryable: true,
    });
    expect(await fetchNodePrices(querier(() => failure))).toEqual({ ok: false, error: failure.message });
  });
});

describe('podPattern', () => {
  const podRegex = (kind: 'Deployment' | 'StatefulSet', name: string): RegExp =>
    podPattern({ namespace: 'shop', kind, name });

  it("matches a Deployment's pods but not a sibling workload's", () => {
    const re = podRegex('Deployment', 'web');
    expect(['web-7d9f8c6b5d-x2x4z', 'web-58c6d-kq4bn'].every((p) => re.test(p))).toBe(true);
    expect(
      ['web-api-7d9f8c6b5d-x2x4z', 'web-0', 'webx-7d9f8c6b5d-x2x4z', 'web-7d9f8c6b5d'].some((p) =>
        re.test(p),
      ),
    ).toBe(false);
  });

  it("matches a StatefulSet's ordinals and escapes the name", () => {
    const re = podRegex('StatefulSet', 'db.v2');
    expect(['db.v2-0', 'db.v2-12'].every((p) => re.test(p))).toBe(true);
    expect(['dbXv2-0', 'db.v2-a', 'db.v2-0-x'].some((p) => re.test(p))).toBe(false);
  });
});

describe('fetchReplicaRequests', () => {
  const GiB = 1024 ** 3;
  const web = { namespace: 'shop', kind: 'Deployment' as const, name: 'web' };
  const api = { namespace: 'shop', kind: 'Deployment' as const, name: 'api' };
  const db = { namespace: 'data', kind: 'StatefulSet' as const, name: 'db' };

  it("asks once for all workloads, sums containers per pod and averages over each workload's pods", async () => {
    const q = querier(() =>
      vector(
        [{ namespace: 'shop', pod: 'web-1-aaaaa', resource: 'cpu' }, 0.5],
        [{ namespace: 'shop', pod: 'web-1-aaaaa', resource: 'memory' }, 1 * GiB],
        [{ namespace: 'shop', pod: 'web-1-bbbbb', resource: 'cpu' }, 0.7],
        [{ namespace: 'shop', pod: 'web-1-bbbbb', resource: 'memory' }, 2 * GiB],
        [{ namespace: 'shop', pod: 'web-1-bbbbb', resource: 'nvidia_com_gpu' }, 1],
        [{ namespace: 'shop', pod: 'api-9-ccccc', resource: 'cpu' }, 2],
        [{ namespace: 'data', pod: 'db-0', resource: 'memory' }, 8 * GiB],
        [{ namespace: 'other', pod: 'web-1-ddddd', resource: 'cpu' }, 9],
      ),
    );
    const result = await fetchReplicaRequests(q, [web, api, db]);
    if (!result.ok) throw new Error(result.error);
    expect(result.value.get(workloadKey(web))).toEqual({
      ok: true,
      value: { cpuCores: 0.6, memoryGiB: 1.5, gpus: 0.5, pods: 2 },
      warnings: [],
    });
    expect(result.value.get(workloadKey(api))).toMatchObject({ ok: true, value: { cpuCores: 2, pods: 1 } });
    expect(result.value.get(workloadKey(db))).toMatchObject({ ok: true, value: { memoryGiB: 8, pods: 1 } });
    expect(q.asked).toEqual([replicaRequestsQuery([web, api, db])]);
    expect(q.asked[0]).toContain('namespace=~"data|shop"');
  });

  it('is an error for a workload without request series, not for the others', async () => {
    const result = await fetchReplicaRequests(
      querier(() => vector([{ namespace: 'shop', pod: 'api-9-ccccc', resource: 'cpu' }, 2])),
      [web, api],
    );
    if (!result.ok) throw new Error(result.error);
    expect(result.value.get(workloadKey(api))?.ok).toBe(true);
    expect(result.value.get(workloadKey(web))).toEqual({
      ok: false,
      error: expect.stringContaining(
        'query returned no series: no kube_pod_container_resource_requests for Deployment shop/web',
      ),
    });
  });
});
