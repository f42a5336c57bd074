/**
 * The one error type for failures a person must act on: a sentence saying what went
 * wrong and what to do, and the exit code (2 for usage errors, 1 otherwise).
 */
export class UserError extends Error {
  constructor(
    message: string,
    readonly exitCode: 1 | 2 = 1,
  ) {
    super(message);
    this.name = 'UserError';
  }
}
