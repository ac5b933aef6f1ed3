import { GraphError } from '../../http/errors.ts';

/** The live stream's own refusal (docs/inbox-api.md "Live events"), in Meta's envelope. */
export function tooManyStreams(max: number): GraphError {
  return new GraphError(429, 4, 'OAuthException', '(#4) Too many live streams', `A member may hold ${max} live streams open at once; close another tab first.`, undefined, {
    'retry-after': '5',
  });
}
