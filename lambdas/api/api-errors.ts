import { SightlineError } from '../core/errors';

/** Too many attempts (sign-in); answered with 429 and `retry-after`. */
export class RateLimitedError extends SightlineError {
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'RateLimitedError';
  }
}
