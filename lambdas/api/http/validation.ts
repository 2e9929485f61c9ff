import type { z } from 'zod';
import { ValidationError } from '../../core/errors';

/**
 * Parses one part of a request with its schema; a failure is a `ValidationError` naming the field
 * (`email`, `steps.2`), or the part itself (`body`) when the part as a whole is wrong.
 *
 * @example
 * const { limit } = parseInput(z.object({ limit: z.coerce.number().max(100) }), event.queryStringParameters, 'query');
 */
export function parseInput<S extends z.ZodType>(
  schema: S,
  value: unknown,
  part: 'path' | 'query' | 'body',
): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  // A strict object names the keys it does not know in the issue, not in its path.
  const path = [...(issue?.path ?? []), ...(issue?.code === 'unrecognized_keys' ? issue.keys.slice(0, 1) : [])];
  const field = path.length > 0 ? path.map(String).join('.') : part;
  throw new ValidationError(`${field}: ${issue?.message ?? 'invalid'}`, field, { cause: result.error });
}
