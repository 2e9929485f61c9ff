import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { header } from '../../core/http/request';
import { isHttps } from '../auth/cookies';

/**
 * The origin the request was addressed to (`http://127.0.0.1:8787`), which serves the tracker too
 * in `npm start`.
 */
export function requestOrigin(event: APIGatewayProxyEventV2): string {
  const host = header(event, 'x-forwarded-host') ?? header(event, 'host') ?? event.requestContext.domainName;
  return `${isHttps(event) ? 'https' : 'http'}://${host}`;
}
