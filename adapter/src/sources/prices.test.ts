import { fetchNodePrices, fetchReplicaRequests, NODE_PRICES_QUERY, replicaRequestsQuery } from './prices';
import type { PrometheusQuerier } from './prometheusClient';
import { PrometheusError } from './prometheusError';
import type { Labels, QueryResponse } from './prometheusResponse';
import { parseSubset } from './promql';

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

describe('replicaRequestsQuery', () => {
  const podRegex = (kind: 'Deployment' | 'StatefulSet', name: string): RegExp => {
    const inner = parseSubset(
      replicaRequestsQuery({ namespace: 'shop', kind, name }).replace(
        /^sum by \(pod, resource\) \(|\)$/g,
        '',
      ),
    );
    const pod = inner?.selector.matchers.find((m) => m.name === 'pod');
    if (pod === undefined) throw new Error('no pod matcher');
    return new RegExp(`^(?:${pod.value})$`);
  };

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

  it('sums containers per pod (done by the query) and averages over pods, memory in GiB', async () => {
    const q = querier(() =>
      vector(
        [{ pod: 'web-1-aaaaa', resource: 'cpu' }, 0.5],
        [{ pod: 'web-1-aaaaa', resource: 'memory' }, 1 * GiB],
        [{ pod: 'web-1-bbbbb', resource: 'cpu' }, 0.7],
        [{ pod: 'web-1-bbbbb', resource: 'memory' }, 2 * GiB],
        [{ pod: 'web-1-bbbbb', resource: 'nvidia_com_gpu' }, 1],
      ),
    );
    const result = await fetchReplicaRequests(q, web);
    expect(result).toEqual({
      ok: true,
      value: { cpuCores: 0.6, memoryGiB: 1.5, gpus: 0.5, pods: 2 },
      warnings: [],
    });
    expect(q.asked).toEqual([replicaRequestsQuery(web)]);
  });

  it('is an error when the workload has no request series', async () => {
    const result = await fetchReplicaRequests(
      querier(() => vector()),
      web,
    );
    expect(result).toEqual({
      ok: false,
      error: expect.stringContaining(
        'query returned no series: no kube_pod_container_resource_requests for Deployment shop/web',
      ),
    });
  });
});
