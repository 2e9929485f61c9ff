import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';

/**
 * One JSON object per request. Deliberately without the source IP or user agent: the collector
 * treats those as personal data and CloudFront's logs already hold them for abuse investigations.
 */
export function collectionApiAccessLogFormat(): AccessLogFormat {
  return AccessLogFormat.custom(
    JSON.stringify({
      requestId: '$context.requestId',
      time: '$context.requestTimeEpoch',
      routeKey: '$context.routeKey',
      status: '$context.status',
      responseLength: '$context.responseLength',
      latencyMs: '$context.responseLatency',
      integrationLatencyMs: '$context.integrationLatency',
      integrationError: '$context.integrationErrorMessage',
      error: '$context.error.message',
    }),
  );
}
