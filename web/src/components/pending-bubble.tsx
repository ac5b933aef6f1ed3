import { discardSend, type PendingSend, retrySend } from '../state/outbox.ts';
import { previewOf } from './labels.ts';

/** A typed message the gateway has not accepted yet: sending, or failed with Retry. */
export function PendingBubble({ pending }: { pending: PendingSend }) {
  const body = pending.body as { type: string; text?: { body?: string } };
  return (
    <article className={`bubble out pending ${pending.state}`} aria-label={pending.state === 'failed' ? 'Not sent' : 'Sending'}>
      <p className="text">{previewOf(body.type, body.text?.body ?? null)}</p>
      <footer className="bubble-meta">{pending.state === 'sending' ? <span role="status">Sending…</span> : <span className="failure">{pending.error ?? 'Not sent'}</span>}</footer>
      {pending.state === 'failed' && (
        <div className="bubble-actions visible">
          <button type="button" className="small" onClick={() => void retrySend(pending.key)}>
            Retry
          </button>
          <button type="button" className="ghost small" onClick={() => discardSend(pending.key)}>
            Discard
          </button>
        </div>
      )}
    </article>
  );
}
