import { z } from 'zod';

/** Shared bounds for every field a browser or a server can send. */
export const LIMITS = {
  id: 64,
  userId: 256,
  name: 200,
  url: 2048,
  title: 512,
  propertyKeys: 50,
  propertyKey: 128,
  propertyValue: 1024,
  language: 35,
  timezone: 64,
  screenPx: 100_000,
  trackerEventsPerBatch: 100,
  trackerBodyBytes: 64 * 1024,
} as const;

export const propertyValue = z.union([
  z.string().max(LIMITS.propertyValue),
  z.number().finite(),
  z.boolean(),
  z.null(),
]);

/** A flat bag of properties: ≤ 50 keys of ≤ 128 characters, scalar values. */
export const properties = z
  .record(z.string().min(1).max(LIMITS.propertyKey), propertyValue)
  .refine((value) => Object.keys(value).length <= LIMITS.propertyKeys, {
    message: `at most ${LIMITS.propertyKeys} properties`,
  });

export const stringMap = (maxKeys: number, maxValue: number) =>
  z
    .record(z.string().min(1).max(64), z.string().max(maxValue))
    .refine((value) => Object.keys(value).length <= maxKeys, { message: `at most ${maxKeys} entries` });

export const epochMs = z.number().int().min(0).max(8_640_000_000_000);
export const pixels = z.number().int().min(0).max(LIMITS.screenPx);

/** The path of the first issue as `events[2].props.plan`, for the error's `field`. */
export function issuePath(prefix: string, error: z.ZodError): { field: string; message: string } {
  const issue = error.issues[0];
  const path = (issue?.path ?? []).reduce<string>(
    (acc, part) =>
      typeof part === 'number' ? `${acc}[${part}]` : acc === '' ? String(part) : `${acc}.${String(part)}`,
    prefix,
  );
  return { field: path === '' ? 'body' : path, message: issue?.message ?? 'invalid' };
}
