import { StorageError } from '../../core/errors';

/**
 * Whether `error` is the SDK exception called `name`. Compares names rather than classes: an SDK
 * error's class may come from another copy of the client package than the one imported here.
 */
export function isSdkError(error: unknown, name: string): boolean {
  return error instanceof Error && error.name === name;
}

/** Wraps an SDK failure of `operation` into a `StorageError` that keeps the SDK error as `cause`. */
export function storageError(operation: string, error: unknown): StorageError {
  const detail = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return new StorageError(`${operation} failed (${detail})`, { cause: error });
}
