import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { clientIp, parseTrustedProxies, servedHost, serverContext } from '../../lambdas/collection/client-context';
import { ORIGIN_VERIFY_HEADER, VIEWER_HOST_HEADER } from '../../lambdas/core/config';

const request = (sourceIp: string, headers: Record<string, string>) =>
  ({ headers, requestContext: { http: { sourceIp } } }) as unknown as APIGatewayProxyEventV2;

describe('client IP and server context', () => {
  it('takes the last untrusted X-Forwarded-For hop behind a trusted proxy', () => {
    const trusted = parseTrustedProxies('10.0.0.0/8');
    const event = request('10.0.0.5', { 'x-forwarded-for': '198.51.100.7, 203.0.113.9, 10.1.1.1' });
    expect(clientIp(event, trusted)).toBe('203.0.113.9');
  });

  it('ignores X-Forwarded-For from a peer it does not trust', () => {
    const event = request('203.0.113.50', { 'x-forwarded-for': '1.2.3.4' });
    expect(clientIp(event, parseTrustedProxies('10.0.0.0/8'))).toBe('203.0.113.50');
  });

  it('believes CloudFront-Viewer-Address only with the origin secret CloudFront adds', () => {
    const trusted = parseTrustedProxies('cloudfront', 'stack-guid');
    const headers = { 'cloudfront-viewer-address': '198.51.100.10:46532', 'cloudfront-viewer-country': 'DE' };
    const through = request('130.176.1.1', { ...headers, [ORIGIN_VERIFY_HEADER]: 'stack-guid' });
    const direct = request('203.0.113.66', headers);
    expect(clientIp(through, trusted)).toBe('198.51.100.10');
    expect(serverContext(through, trusted, 0).geo).toEqual({ country: 'DE' });
    expect(clientIp(direct, trusted)).toBe('203.0.113.66');
    expect(serverContext(direct, trusted, 0).geo).toBeUndefined();
  });

  it('reads an IPv6 viewer address and unwraps IPv4-mapped peers', () => {
    const trusted = parseTrustedProxies('cloudfront');
    expect(clientIp(request('::ffff:10.0.0.1', { 'cloudfront-viewer-address': '2001:db8::1:443' }), trusted)).toBe(
      '2001:db8::1',
    );
    expect(clientIp(request('::ffff:192.0.2.1', {}), parseTrustedProxies(''))).toBe('192.0.2.1');
  });

  it('records GPC and DNT signals', () => {
    const context = serverContext(request('192.0.2.1', { 'sec-gpc': '1', dnt: '1' }), parseTrustedProxies(''), 5);
    expect(context).toMatchObject({ receivedAt: 5, gpc: true, dnt: true, ip: '192.0.2.1' });
  });

  it('takes the served host from CloudFront’s viewer-host header only with the origin secret', () => {
    const trusted = parseTrustedProxies('cloudfront', 'stack-guid');
    const headers = { host: 'abc123.execute-api.eu-west-1.amazonaws.com', [VIEWER_HOST_HEADER]: 't.shop.example' };
    const through = request('130.176.1.1', { ...headers, [ORIGIN_VERIFY_HEADER]: 'stack-guid' });
    const direct = request('203.0.113.66', headers);
    expect(servedHost(through, trusted)).toBe('t.shop.example');
    expect(servedHost(direct, trusted)).toBe('abc123.execute-api.eu-west-1.amazonaws.com');
  });

  it('takes X-Forwarded-Host from a trusted proxy, and Host from anyone else', () => {
    const trusted = parseTrustedProxies('10.0.0.0/8');
    const headers = { host: 'collector.internal:8787', 'x-forwarded-host': 't.shop.example, proxy.internal' };
    expect(servedHost(request('10.0.0.5', headers), trusted)).toBe('t.shop.example');
    expect(servedHost(request('203.0.113.9', headers), trusted)).toBe('collector.internal:8787');
  });
});
