/** Exit codes of the costscale command: 0 ok, 2 bad usage or invalid input, 1 runtime failure. */
export const EXIT_OK = 0;
export const EXIT_RUNTIME = 1;
export const EXIT_INPUT = 2;

/** Bad usage or invalid input: the command exits 2 after printing the message. */
export class InputError extends Error {
  override readonly name = 'InputError';
}
