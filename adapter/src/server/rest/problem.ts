import type { z } from 'zod';

// Errors as RFC 9457 problem details (application/problem+json). Plain HTTP meanings use the type
// `about:blank` (§4.2.1); problems a client can act on have their own type URI and, for validation,
// the list of what failed where.

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

export type ErrorLocation = 'body' | 'query' | 'path' | 'header';

export interface FieldError {
  location: ErrorLocation;
  /** JSON Pointer (RFC 6901) into the body, or the parameter's name for query and path. */
  path: string;
  message: string;
}

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail?: string;
  errors?: FieldError[];
}

export const PROBLEM_TYPES = {
  validation: 'urn:costscale:problem:validation',
  conflict: 'urn:costscale:problem:conflict',
  readOnly: 'urn:costscale:problem:read-only',
} as const;

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  406: 'Not Acceptable',
  408: 'Request Timeout',
  409: 'Conflict',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  429: 'Too Many Requests',
  431: 'Request Header Fields Too Large',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

/** A problem to answer with; thrown by handlers and caught by the API's request loop. */
export class ProblemError extends Error {
  constructor(
    readonly problem: Problem,
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(problem.detail ?? problem.title);
    this.name = 'ProblemError';
  }
}

export function httpProblem(
  status: number,
  detail?: string,
  headers?: Readonly<Record<string, string>>,
): ProblemError {
  return new ProblemError(
    {
      type: 'about:blank',
      title: TITLES[status] ?? 'Error',
      status,
      ...(detail !== undefined && { detail }),
    },
    headers,
  );
}

export function validationProblem(errors: FieldError[], detail = 'the request is invalid'): ProblemError {
  return new ProblemError({
    type: PROBLEM_TYPES.validation,
    title: 'Request validation failed',
    status: 400,
    detail,
    errors,
  });
}

export function conflictProblem(detail: string): ProblemError {
  return new ProblemError({ type: PROBLEM_TYPES.conflict, title: 'Conflict', status: 409, detail });
}

export function readOnlyProblem(detail: string): ProblemError {
  return new ProblemError({
    type: PROBLEM_TYPES.readOnly,
    title: 'Defined in the configuration file',
    status: 409,
    detail,
  });
}

/** RFC 6901: `~` → `~0`, `/` → `~1`. */
export function jsonPointer(path: ReadonlyArray<PropertyKey>): string {
  return path.map((s) => `/${String(s).replace(/~/g, '~0').replace(/\//g, '~1')}`).join('');
}

/** Field errors from a zod error, one per issue; unknown keys are named one by one. */
export function fieldErrors(error: z.ZodError, location: ErrorLocation): FieldError[] {
  return error.issues.flatMap((issue): FieldError[] => {
    const path = issue.path as PropertyKey[];
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({
        location,
        path: location === 'body' ? jsonPointer([...path, key]) : key,
        message: 'unknown field',
      }));
    }
    return [
      {
        location,
        path: location === 'body' ? jsonPointer(path) : String(path[0] ?? ''),
        message: issue.message,
      },
    ];
  });
}
