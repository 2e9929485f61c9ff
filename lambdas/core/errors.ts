/**
 * Errors the domain and adapters raise. One middleware maps them to HTTP status codes
 * (`lambdas/core/http/error-response.ts`); adapters wrap SDK errors into them where they call the SDK.
 */
export class SightlineError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'SightlineError';
  }
}

/** Input from outside failed validation; `field` names what was wrong (e.g. `events[3].name`). */
export class ValidationError extends SightlineError {
  constructor(
    message: string,
    readonly field: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'ValidationError';
  }
}

export class PayloadTooLargeError extends SightlineError {
  constructor(
    message: string,
    readonly limitBytes: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'PayloadTooLargeError';
  }
}

export class NotFoundError extends SightlineError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'NotFoundError';
  }
}

/** Credentials are missing or wrong; `field` names where they were expected (e.g. `writeKey`), when one place does. */
export class UnauthorizedError extends SightlineError {
  readonly field?: string;
  constructor(message: string, options?: { cause?: unknown; field?: string }) {
    super(message, options);
    this.name = 'UnauthorizedError';
    if (options?.field !== undefined) this.field = options.field;
  }
}

export class ForbiddenError extends SightlineError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ForbiddenError';
  }
}

export class ConflictError extends SightlineError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ConflictError';
  }
}

/** A backing store (stream, queue, database, object store) could not do what was asked. */
export class StorageError extends SightlineError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StorageError';
  }
}

/** Some records of a batch write were not stored; `failedIndexes` point into the input array. */
export class PartialWriteError extends StorageError {
  constructor(
    message: string,
    readonly failedIndexes: readonly number[],
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'PartialWriteError';
  }
}

/** A required configuration value (environment variable) is missing or malformed. */
export class ConfigError extends SightlineError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ConfigError';
  }
}
