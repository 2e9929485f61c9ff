import type { MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import {
  ConflictError,
  ForbiddenError,
  NotFoundError,
  PayloadTooLargeError,
  UnauthorizedError,
  ValidationError,
} from '../errors';
import { errorResponse, type HttpResponse } from './responses';

/** Maps a thrown error to the HTTP answer a client should get; unknown errors are 500s. */
export function httpResponseForError(error: unknown): HttpResponse {
  if (error instanceof ValidationError) return errorResponse(400, 'validation_error', error.message, error.field);
  if (error instanceof PayloadTooLargeError) return errorResponse(413, 'payload_too_large', error.message);
  if (error instanceof UnauthorizedError) return errorResponse(401, 'unauthorized', error.message, error.field);
  if (error instanceof ForbiddenError) return errorResponse(403, 'forbidden', error.message);
  if (error instanceof NotFoundError) return errorResponse(404, 'not_found', error.message);
  if (error instanceof ConflictError) return errorResponse(409, 'conflict', error.message);
  return errorResponse(500, 'internal_error', 'internal error');
}

/**
 * middy middleware: answers domain errors with their status code and a JSON body naming the
 * field; logs (once) and hides anything unexpected behind a 500.
 */
export function httpErrorHandler(
  log: (error: unknown) => void = (e) => console.error(e),
): MiddlewareObj<APIGatewayProxyEventV2, HttpResponse> {
  return {
    onError: async (request) => {
      const response = httpResponseForError(request.error);
      if (response.statusCode >= 500) log(request.error);
      request.response = response;
    },
  };
}
