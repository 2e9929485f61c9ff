import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';

/** Paths CloudFront serves from the script bucket: the loader and its content-hashed builds. */
export const SCRIPT_PATHS = ['/s.js', '/s.*.js'] as const;

/**
 * Paths CloudFront forwards to the collection API, whether plain-HTTP requests are redirected
 * (safe for GETs a person may type or click) or refused (POSTs would lose their body on a redirect),
 * and whether the collector needs the host the viewer asked for (`viewerHost`: the paths that set
 * first-party cookies on the customer's domain).
 */
export const API_PATHS: readonly {
  readonly path: string;
  readonly redirectHttp: boolean;
  readonly viewerHost?: boolean;
}[] = [
  { path: '/e', redirectHttp: false, viewerHost: true },
  { path: '/e.gif', redirectHttp: true },
  { path: '/c', redirectHttp: true },
  { path: '/v1/*', redirectHttp: false },
  { path: '/postback/*', redirectHttp: false },
  { path: '/r/*', redirectHttp: true, viewerHost: true },
  { path: '/api/*', redirectHttp: false },
];

/**
 * Viewer-request function code: copies the viewer's `Host` into `header` (overwriting anything the
 * viewer sent under that name), since the origin request policy forwards every header but `Host`.
 */
export function viewerHostFunctionCode(header: string): string {
  return `function handler(event) {
  var request = event.request;
  var host = request.headers.host;
  if (host) request.headers['${header}'] = { value: host.value };
  else delete request.headers['${header}'];
  return request;
}`;
}

/**
 * The script: cached at the edge by the origin's Cache-Control, compressed, CORS-readable so
 * sites can load it with Subresource Integrity.
 */
export function scriptBehaviorDefaults(origin: cloudfront.IOrigin): cloudfront.BehaviorOptions {
  return {
    origin,
    viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
    allowedMethods: cloudfront.AllowedMethods.ALLOW_GET_HEAD,
    cachePolicy: cloudfront.CachePolicy.CACHING_OPTIMIZED,
    responseHeadersPolicy: cloudfront.ResponseHeadersPolicy.CORS_ALLOW_ALL_ORIGINS,
    compress: true,
  };
}

/**
 * Collection paths: never cached, all methods. The managed AllViewerExceptHostHeader policy passes
 * every viewer header, cookie and query string except Host (API Gateway routes on its own host
 * name), plus CloudFront's viewer headers: `CloudFront-Viewer-Address` (the collector's trusted
 * client IP) and the viewer location headers (country, region, city, coordinates, time zone).
 * `viewerRequest`, when given, runs on each viewer request (the viewer-host copy).
 */
export function apiBehaviorDefaults(
  origin: cloudfront.IOrigin,
  redirectHttp: boolean,
  viewerRequest?: cloudfront.IFunction,
): cloudfront.BehaviorOptions {
  return {
    ...(viewerRequest
      ? { functionAssociations: [{ eventType: cloudfront.FunctionEventType.VIEWER_REQUEST, function: viewerRequest }] }
      : {}),
    origin,
    viewerProtocolPolicy: redirectHttp
      ? cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS
      : cloudfront.ViewerProtocolPolicy.HTTPS_ONLY,
    allowedMethods: cloudfront.AllowedMethods.ALLOW_ALL,
    cachePolicy: cloudfront.CachePolicy.CACHING_DISABLED,
    originRequestPolicy: cloudfront.OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
    compress: true,
  };
}
