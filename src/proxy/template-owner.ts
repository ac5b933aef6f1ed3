import type { Deps } from '../deps.ts';
import type { PhoneNumberRow } from '../db/schema.ts';
import { callAsNumber } from '../graph/call-as-number.ts';
import { graphPath, isGraphId } from '../graph/graph-path.ts';
import type { ProxyAnswer } from './answer.ts';

/** A page as large as Meta's template listing is asked for, and how many pages are read at most. */
const PAGE_SIZE = '250';
const MAX_PAGES = 40;

/** Whether the template was found under the WABA, or Meta's refusal to list the WABA's templates. */
export type TemplateSearch = { found: boolean } | { refusal: ProxyAnswer };

/**
 * Looks for a template id among the templates Meta lists under the number's WABA
 * (`GET /{waba_id}/message_templates?fields=id`, meta-cloud-api.md §6.2), page by page. Meta's
 * template edit (`POST /{template_id}`, §6.3) names no WABA, and the token may reach templates
 * of WABAs of other projects; only a template Meta lists under the caller's own WABA is edited.
 * The listing is Meta's documented read of that WABA, so a match there is proof of ownership.
 * 40 pages of 250 cover 10,000 templates, more than a WABA may hold (6,000, §6.1).
 */
export async function searchTemplateUnderWaba(
  deps: Pick<Deps, 'cipher' | 'graph' | 'config'>,
  number: PhoneNumberRow,
  version: string,
  templateId: string,
  requestId?: string,
): Promise<TemplateSearch> {
  let after: string | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    const path = graphPath(version, [number.waba_id, 'message_templates'], { fields: 'id', limit: PAGE_SIZE, ...(after !== undefined ? { after } : {}) });
    const answer = await callAsNumber(deps, number, 'GET', path, undefined, requestId);
    // A refusal to list the caller's own WABA (rate limit, expired token) says nothing of the template.
    if (answer.statusCode !== 200) return { refusal: answer };
    const listing = listingOf(answer.body);
    if (listing.ids.includes(templateId)) return { found: true };
    if (listing.after === undefined) return { found: false };
    after = listing.after;
  }
  return { found: false };
}

/** The ids of one listing page, and the cursor of the next page when Meta says there is one. */
export function listingOf(body: Buffer): { ids: string[]; after: string | undefined } {
  let parsed: { data?: unknown; paging?: { next?: unknown; cursors?: { after?: unknown } } };
  try {
    parsed = JSON.parse(body.toString('utf8')) as typeof parsed;
  } catch {
    return { ids: [], after: undefined };
  }
  const ids = Array.isArray(parsed?.data) ? parsed.data.map((t: unknown) => (t as { id?: unknown } | null)?.id).filter(isGraphId) : [];
  const cursor = parsed?.paging?.cursors?.after;
  const hasNext = typeof parsed?.paging?.next === 'string';
  return { ids, after: hasNext && typeof cursor === 'string' && cursor !== '' ? cursor : undefined };
}
