import { getBackendSrv, isFetchError } from '@grafana/runtime';
import { lastValueFrom } from 'rxjs';
import { API_BASE_URL } from '../constants';
import { ApiError, apiErrorFrom } from './errors';

// The one place the plugin talks HTTP: requests to the adapter's REST API go through Grafana's
// BackendSrv to the plugin proxy, which adds the API key (plugin.json `routes`). Grafana renders our
// error states itself, so its toast alerts are off.

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface ApiRequest {
  readonly method: HttpMethod;
  /** Path under /api/v1, starting with `/`; path segments must already be encoded. */
  readonly path: string;
  readonly query?: Readonly<Record<string, string | number | boolean | undefined>>;
  readonly body?: unknown;
}

export type Transport = <T>(request: ApiRequest) => Promise<T>;

function definedParams(query: ApiRequest['query']): Record<string, string> {
  const params: Record<string, string> = {};
  for (const [key, value] of Object.entries(query ?? {})) {
    if (value !== undefined && value !== '') {
      params[key] = String(value);
    }
  }
  return params;
}

export const grafanaTransport: Transport = async <T>(request: ApiRequest): Promise<T> => {
  try {
    const response = await lastValueFrom(
      getBackendSrv().fetch<T>({
        url: `${API_BASE_URL}${request.path}`,
        method: request.method,
        params: definedParams(request.query),
        data: request.body,
        showErrorAlert: false,
        showSuccessAlert: false,
      }),
    );
    return response.data;
  } catch (error) {
    if (isFetchError(error)) {
      throw apiErrorFrom(
        error.status,
        error.data,
        error.statusText || `request failed with HTTP ${error.status}`,
      );
    }
    throw error instanceof ApiError
      ? error
      : new ApiError(0, error instanceof Error ? error.message : String(error));
  }
};
