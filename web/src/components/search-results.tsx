import { useEffect, useState } from 'react';
import { search } from '../api/messages.ts';
import type { SearchHit } from '../api/types.ts';
import { navigate } from '../lib/router.ts';
import { splitSnippet } from '../lib/snippet.ts';
import { shortTime, toDate } from '../lib/time.ts';

/** Full-text results, newest first; a result opens its thread at that message. */
export function SearchResults({ q }: { q: string }) {
  // The results of one query; a new query shows nothing stale while it loads.
  const [result, setResult] = useState<{ q: string; hits: SearchHit[]; cursor: string | null; failed: boolean } | null>(null);

  useEffect(() => {
    if (!q) return;
    let live = true;
    search(q, null).then(
      (page) => live && setResult({ q, hits: page.data, cursor: page.paging.next, failed: false }),
      () => live && setResult({ q, hits: [], cursor: null, failed: true }),
    );
    return () => {
      live = false;
    };
  }, [q]);

  const current = result?.q === q ? result : null;
  const hits = current?.hits ?? [];
  const cursor = current?.cursor ?? null;

  function more() {
    if (!cursor) return;
    search(q, cursor).then(
      (page) => setResult((r) => r && { ...r, hits: [...r.hits, ...page.data], cursor: page.paging.next }),
      () => setResult((r) => r && { ...r, failed: true }),
    );
  }

  if (!q) return <p className="empty">Type words to search every message of the project.</p>;
  if (current?.failed) return <p className="error" role="alert">The search failed. Try again.</p>;
  if (!current) return <p className="loading" role="status">Searching…</p>;
  if (hits.length === 0) return <p className="empty">No messages match “{q}”.</p>;
  return (
    <ul className="search-results" aria-label="Results">
      {hits.map((hit) => (
        <li key={hit.message_id}>
          <a
            className="hit"
            href={`/c/${encodeURIComponent(hit.conversation_id)}?around=${encodeURIComponent(hit.message_id)}`}
            onClick={(e) => {
              e.preventDefault();
              navigate({ screen: 'thread', conversationId: hit.conversation_id, around: hit.message_id });
            }}
          >
            <span className="line">
              <span className="name">{hit.contact_name ?? 'Unknown'}</span>
              <time dateTime={hit.timestamp}>{shortTime(toDate(hit.timestamp))}</time>
            </span>
            <span className="snippet">
              {hit.direction === 'outbound' && <span className="muted">You: </span>}
              {splitSnippet(hit.snippet).map((part, i) => (part.marked ? <mark key={i}>{part.text}</mark> : part.text))}
            </span>
          </a>
        </li>
      ))}
      {cursor && (
        <li>
          <button type="button" className="ghost" onClick={more}>
            More results
          </button>
        </li>
      )}
    </ul>
  );
}
