// Errors from the adapter's REST API as the plugin shows them. The adapter answers with RFC 9457
// problem details; Grafana's proxy answers with its own JSON ({message}) when it cannot reach it.

export interface FieldError {
  readonly location?: string;
  /** JSON Pointer into the request body, or a parameter name. */
  readonly path: string;
  readonly message: string;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly fieldErrors: readonly FieldError[] = [],
  ) {
    super(message);
    this.name = 'ApiError';
  }

  get isNotFound(): boolean {
    return this.status === 404;
  }
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;

function fieldErrorsOf(body: Record<string, unknown>): FieldError[] {
  if (!Array.isArray(body.errors)) {
    return [];
  }
  return body.errors.filter(
    (e): e is FieldError => isRecord(e) && typeof e.path === 'string' && typeof e.message === 'string',
  );
}

/** Why a request failed, in words, from the status and whatever body came back. */
export function apiErrorFrom(status: number, body: unknown, fallback: string): ApiError {
  if (isRecord(body)) {
    const detail = typeof body.detail === 'string' ? body.detail : undefined;
    const title = typeof body.title === 'string' ? body.title : undefined;
    const message = typeof body.message === 'string' ? body.message : undefined;
    return new ApiError(status, detail ?? message ?? title ?? fallback, fieldErrorsOf(body));
  }
  if (typeof body === 'string' && body.trim() !== '') {
    return new ApiError(status, body.trim().slice(0, 300));
  }
  return new ApiError(status, fallback);
}

/** A sentence for people about an error of any kind. */
export function describeError(error: unknown): string {
  if (error instanceof ApiError) {
    switch (error.status) {
      case 401:
        return `The adapter rejected the API key (401): ${error.message}. Check the key on the plugin's configuration page.`;
      case 403:
        return `The API key's role may not do this (403): ${error.message}`;
      case 502:
      case 503:
      case 504:
        return `Grafana could not reach the costscale adapter (${error.status}): ${error.message}. Check the adapter URL on the plugin's configuration page.`;
      default:
        return `${error.message} (HTTP ${error.status})`;
    }
  }
  return error instanceof Error ? error.message : String(error);
}
