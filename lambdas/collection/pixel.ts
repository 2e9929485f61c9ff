import type { APIGatewayProxyEventV2 } from 'aws-lambda';

/** A 1×1 transparent GIF, the smallest valid one. */
export const TRANSPARENT_GIF = Buffer.from('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7', 'base64');

/**
 * Reads an image-beacon request (`GET /e.gif?site=…&t=page&u=…`) into the tracker's event shape,
 * so it is validated by the same schema. Properties come as `p.<name>=value`.
 */
export function pixelToTrackerPayload(event: APIGatewayProxyEventV2, newId: () => string, now: number) {
  const q = new URLSearchParams(event.rawQueryString);
  const props: Record<string, string> = {};
  for (const [key, value] of q) if (key.startsWith('p.')) props[key.slice(2)] = value;
  const opt = (key: string) => q.get(key) ?? undefined;
  const ts = Number(q.get('ts'));
  return {
    site: q.get('site') ?? '',
    sdk: 'pixel',
    events: [
      {
        id: opt('id') ?? newId(),
        type: opt('t') ?? (q.has('n') ? 'track' : 'page'),
        name: opt('n'),
        ts: Number.isFinite(ts) && ts > 0 ? ts : now,
        aid: opt('aid'),
        sid: opt('sid'),
        uid: opt('uid'),
        url: opt('u') ?? event.headers?.referer ?? '',
        ref: opt('r'),
        title: opt('title'),
        ...(Object.keys(props).length > 0 ? { props } : {}),
      },
    ],
  };
}
