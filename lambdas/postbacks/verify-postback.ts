import { ForbiddenError, UnauthorizedError } from '../core/errors';
import { ipAllowed } from './ip-allow-list';
import type { PostbackRequest } from './postback-request';
import type { PostbackSettings } from './postback-settings';
import { signatureMatches } from './postback-signature';
import { tokenMatches } from './postback-token';

/**
 * Checks a postback against its site's settings: the shared token (401 when missing or wrong),
 * the HMAC signature when the site requires one (401), and the source address when the site keeps
 * an allow-list (403). Throws before anything is parsed or stored.
 *
 * @example
 * verifyPostback(request, clientIp(event, trustedProxies), settings);
 */
export function verifyPostback(
  request: PostbackRequest,
  sourceIp: string | undefined,
  settings: PostbackSettings,
): void {
  if (!request.token) throw new UnauthorizedError('a postback token is required (sl_token or x-sightline-token)');
  if (request.token.length > 256 || !tokenMatches(request.token, settings.tokenHash)) {
    throw new UnauthorizedError('postback token is not valid');
  }
  if (settings.hmacSecret) {
    if (!request.signature) {
      throw new UnauthorizedError('a signature is required (sl_signature or x-sightline-signature)');
    }
    if (
      request.signature.length > 256 ||
      !signatureMatches(request.signature, request.signedContent, settings.hmacSecret)
    ) {
      throw new UnauthorizedError('signature is not valid');
    }
  }
  if (settings.allowList && !ipAllowed(settings.allowList, sourceIp)) {
    throw new ForbiddenError(`postbacks from ${sourceIp ?? 'an unknown address'} are not allowed for this site`);
  }
}
