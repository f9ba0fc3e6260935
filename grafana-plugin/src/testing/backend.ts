import { type Observable, of, throwError } from 'rxjs';
import type { BackendSrvRequest, FetchError, FetchResponse } from '@grafana/runtime';

// A stand-in for Grafana's BackendSrv.fetch, the one boundary the unit tests mock: a table of
// `METHOD url` → answer, every request recorded. Unlisted requests fail loudly with a 404.

export type Answer =
  { status: number; data: unknown } | ((request: BackendSrvRequest) => { status: number; data: unknown });

export interface FakeBackend {
  readonly fetch: jest.Mock<Observable<FetchResponse<unknown>>, [BackendSrvRequest]>;
  readonly requests: BackendSrvRequest[];
  on(method: string, url: string, answer: Answer): FakeBackend;
}

export const ok = (data: unknown) => ({ status: 200, data });
export const problem = (status: number, detail: string, errors?: unknown[]) => ({
  status,
  data: { type: 'about:blank', title: 'Error', status, detail, ...(errors && { errors }) },
});

export function fakeBackend(): FakeBackend {
  const answers = new Map<string, Answer>();
  const requests: BackendSrvRequest[] = [];
  const fetch = jest.fn((request: BackendSrvRequest): Observable<FetchResponse<unknown>> => {
    requests.push(request);
    const answer = answers.get(`${request.method ?? 'GET'} ${request.url}`);
    const { status, data } =
      answer === undefined
        ? { status: 404, data: { message: `no fake answer for ${request.method} ${request.url}` } }
        : typeof answer === 'function'
          ? answer(request)
          : answer;
    if (status >= 400) {
      const error: FetchError = { status, data, statusText: 'error', config: request };
      return throwError(() => error);
    }
    return of({
      data,
      status,
      statusText: 'OK',
      ok: true,
      headers: new Headers(),
      redirected: false,
      type: 'basic',
      url: request.url,
      config: request,
    } satisfies FetchResponse<unknown>);
  });
  const backend: FakeBackend = {
    fetch,
    requests,
    on(method, url, answer) {
      answers.set(`${method} ${url}`, answer);
      return backend;
    },
  };
  return backend;
}

export const API = '/api/plugin-proxy/costscale-autoscaling-app/api/v1';
