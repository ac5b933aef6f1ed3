import { GraphError } from '../http/errors.ts';
import { errorCodeInfo } from './error-codes.ts';

/**
 * The simulator's synchronous errors, in Meta's Graph envelope (meta-cloud-api.md §4.1, §7.2).
 * They reuse the gateway's GraphError so that one renderer (http/error-handler.ts) draws both.
 */
export const simErrors = {
  /** A Meta error code with its catalogue title and HTTP status; `details` names the cause. */
  meta(code: number, details?: string, httpStatus?: number): GraphError {
    const info = errorCodeInfo(code);
    return new GraphError(httpStatus ?? info.httpStatus, code, 'OAuthException', `(#${code}) ${info.title}`, details ?? info.details);
  },
  /** Code 100 naming the bad parameter in `details`, as Meta does for schema violations. */
  invalidParameter(details: string): GraphError {
    return new GraphError(400, 100, 'OAuthException', '(#100) Invalid parameter', details);
  },
  /** Missing or unknown bearer token (§7.2: 401, code 190). */
  invalidToken(missing: boolean): GraphError {
    return new GraphError(
      401,
      190,
      'OAuthException',
      missing ? 'An active access token must be used to query information about the current user.' : 'Invalid OAuth access token - Cannot parse access token',
      missing ? 'Send the access token as Authorization: Bearer <token>.' : 'The access token is not valid for any registered phone number.',
    );
  },
  /** A known token that does not own the object (§7.2: 403, code 10). */
  permissionDenied(): GraphError {
    return simErrors.meta(10);
  },
  /**
   * An object id that does not exist (or was deleted): Graph's GraphMethodException, code 100,
   * subcode 33, answered with HTTP 400 (§7.2).
   */
  unknownObject(method: string, id: string): GraphError {
    return new GraphError(
      400,
      100,
      'GraphMethodException',
      `Unsupported ${method.toLowerCase()} request. Object with ID '${id}' does not exist, cannot be loaded due to missing permissions, or does not support this operation. Please read the Graph API documentation at https://developers.facebook.com/docs/graph-api`,
      `Object with ID '${id}' does not exist.`,
      33,
    );
  },
};
