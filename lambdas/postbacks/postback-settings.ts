import type { BlockList } from 'node:net';
import { z } from 'zod';
import { ValidationError } from '../core/errors';
import type { GenericFieldMapping } from '../db/schema/postbacks';
import { withOrganization } from '../db/tenant';
import type { DataKeyWrapper } from '../ports/key-wrapper';
import type { Sql } from '../ports/sql';
import { genericMappingSchema } from './generic-mapping';
import { openHmacSecret, sealHmacSecret } from './hmac-secret';
import { compileAllowList } from './ip-allow-list';
import { hashPostbackToken, newPostbackToken } from './postback-token';

/** A site's postback settings as verification needs them: secrets opened, allow-list compiled. */
export interface PostbackSettings {
  readonly siteId: string;
  readonly organizationId: string;
  readonly tokenHash: string;
  readonly hmacSecret?: Uint8Array;
  /** Undefined when any source may post. */
  readonly allowList?: BlockList;
  readonly genericMapping: GenericFieldMapping | null;
  readonly defaultCurrency: string;
}

export interface PostbackSettingsStore {
  forSite(site: { readonly id: string; readonly organizationId: string }): Promise<PostbackSettings | undefined>;
}

/**
 * Settings lookups cached for `ttlMs`, so a burst of postbacks costs one query and one unwrap of
 * the HMAC key (a KMS call in AWS) per site and period.
 *
 * @example
 * const store = createPostbackSettingsStore(sql, keyWrapper);
 * const settings = await store.forSite(site);
 */
export function createPostbackSettingsStore(
  sql: Sql,
  keyWrapper: DataKeyWrapper,
  options: { ttlMs?: number; now?: () => number } = {},
): PostbackSettingsStore {
  const ttlMs = options.ttlMs ?? 60_000;
  const now = options.now ?? Date.now;
  const cache = new Map<string, { at: number; settings: Promise<PostbackSettings | undefined> }>();
  const load = async (siteId: string, organizationId: string): Promise<PostbackSettings | undefined> => {
    const row = await withOrganization(sql, organizationId, (trx) =>
      trx.selectFrom('postback_settings').selectAll().where('site_id', '=', siteId).executeTakeFirst(),
    );
    if (!row) return undefined;
    const hmacSecret =
      row.hmac_key_wrapped && row.hmac_secret_cipher
        ? await openHmacSecret(keyWrapper, organizationId, siteId, {
            wrappedKey: row.hmac_key_wrapped,
            cipher: row.hmac_secret_cipher,
          })
        : undefined;
    return {
      siteId,
      organizationId,
      tokenHash: row.token_hash,
      ...(hmacSecret ? { hmacSecret } : {}),
      ...(row.ip_allow_list.length > 0 ? { allowList: compileAllowList(row.ip_allow_list) } : {}),
      genericMapping: row.generic_mapping,
      defaultCurrency: row.default_currency,
    };
  };
  return {
    forSite(site) {
      const hit = cache.get(site.id);
      if (hit && now() - hit.at < ttlMs) return hit.settings;
      const settings = load(site.id, site.organizationId);
      settings.catch(() => cache.delete(site.id));
      if (cache.size > 10_000) cache.clear();
      cache.set(site.id, { at: now(), settings });
      return settings;
    },
  };
}

const settingsInput = z.object({
  organizationId: z.uuid(),
  siteId: z.uuid(),
  /** Replace the token (a fresh one is returned); on first configuration one is always made. */
  rotateToken: z.boolean().optional(),
  /** Require HMAC signatures with this secret (16–256 characters); `null` stops requiring them. */
  hmacSecret: z.string().min(16).max(256).nullable().optional(),
  ipAllowList: z.array(z.string().min(2).max(64)).max(100).optional(),
  genericMapping: genericMappingSchema.nullable().optional(),
  defaultCurrency: z
    .string()
    .regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code')
    .optional(),
});

export type PostbackSettingsInput = z.input<typeof settingsInput>;

/**
 * Creates or changes a site's postback settings. The token is generated here and returned once
 * (only its hash is stored); an HMAC secret is sealed under a data key bound to the site. Fields
 * left out keep their current values.
 *
 * @example
 * const { token } = await configurePostbacks(sql, keyWrapper, { organizationId, siteId, ipAllowList: ['52.1.2.0/24'] });
 * // network postback URL: https://collect.example.com/postback/everflow?sl_site=<siteKey>&sl_token=<token>&transaction_id={transaction_id}
 */
export async function configurePostbacks(
  sql: Sql,
  keyWrapper: DataKeyWrapper,
  input: PostbackSettingsInput,
): Promise<{ token?: string }> {
  const parsed = settingsInput.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue?.path.map(String).join('.') || 'body';
    throw new ValidationError(`${field}: ${issue?.message ?? 'invalid'}`, field);
  }
  const data = parsed.data;
  if (data.ipAllowList) compileAllowList(data.ipAllowList);
  const sealed =
    typeof data.hmacSecret === 'string'
      ? await sealHmacSecret(keyWrapper, data.organizationId, data.siteId, Buffer.from(data.hmacSecret, 'utf8'))
      : data.hmacSecret;
  return withOrganization(sql, data.organizationId, async (trx) => {
    const existing = await trx
      .selectFrom('postback_settings')
      .select('site_id')
      .where('site_id', '=', data.siteId)
      .forUpdate()
      .executeTakeFirst();
    const token = !existing || data.rotateToken ? newPostbackToken() : undefined;
    const changes = {
      ...(token ? { token_hash: hashPostbackToken(token) } : {}),
      ...(sealed !== undefined
        ? {
            hmac_key_wrapped: sealed ? Buffer.from(sealed.wrappedKey) : null,
            hmac_secret_cipher: sealed ? Buffer.from(sealed.cipher) : null,
          }
        : {}),
      ...(data.ipAllowList ? { ip_allow_list: JSON.stringify(data.ipAllowList) } : {}),
      ...(data.genericMapping !== undefined
        ? { generic_mapping: data.genericMapping === null ? null : JSON.stringify(data.genericMapping) }
        : {}),
      ...(data.defaultCurrency ? { default_currency: data.defaultCurrency } : {}),
    };
    if (existing) {
      await trx
        .updateTable('postback_settings')
        .set({ ...changes, updated_at: new Date() })
        .where('site_id', '=', data.siteId)
        .execute();
    } else {
      await trx
        .insertInto('postback_settings')
        .values({ site_id: data.siteId, organization_id: data.organizationId, token_hash: '', ...changes })
        .execute();
    }
    return token ? { token } : {};
  });
}
