import type { KapsoMessage, MetaError } from '../api/types.ts';
import { clockTime, toDate } from '../lib/time.ts';
import { FormattedText } from './formatted-text.tsx';
import { previewOf } from './labels.ts';
import { MessageContent } from './message-content.tsx';
import { StatusTicks } from './ticks.tsx';

export interface BubbleActions {
  onReply(message: KapsoMessage): void;
  onReact(message: KapsoMessage, emoji: string): void;
  onJump(messageId: string): void;
}

const QUICK_REACTIONS = ['👍', '❤️', '😂', '🙏'];

/** One message: quoted reply, content, time, ticks, Meta's failure reason, reactions, actions. */
export function MessageBubble({ message, quoted, reactions, highlighted, canAct, actions }: { message: KapsoMessage; quoted: KapsoMessage | null; reactions: string[]; highlighted: boolean; canAct: boolean; actions: BubbleActions }) {
  const kapso = message.kapso ?? {};
  const outbound = kapso.direction === 'outbound';
  const failure = kapso.status === 'failed' ? failureReason(kapso.statuses?.flatMap((s) => s.errors ?? []) ?? []) : null;
  const time = toDate(message.timestamp);
  return (
    <article id={`m-${message.id}`} className={`bubble ${outbound ? 'out' : 'in'}${highlighted ? ' highlighted' : ''}`} data-message-id={message.id} data-status={kapso.status}>
      {message.context?.id && (
        <button type="button" className="quote" onClick={() => actions.onJump(message.context?.id ?? '')} aria-label="Show the quoted message">
          {quoted ? <FormattedText text={quoteText(quoted)} /> : 'Quoted message'}
        </button>
      )}
      <MessageContent message={message} />
      <footer className="bubble-meta">
        <time dateTime={time.toISOString()}>{clockTime(time)}</time>
        {outbound && <StatusTicks status={kapso.status} />}
      </footer>
      {failure && (
        <p className="failure" role="alert">
          Not delivered: {failure}
        </p>
      )}
      {reactions.length > 0 && (
        <p className="reactions" aria-label={`Reactions ${reactions.join(' ')}`}>
          {reactions.join(' ')}
        </p>
      )}
      {canAct && (
        <div className="bubble-actions">
          <button type="button" className="ghost small" onClick={() => actions.onReply(message)} aria-label="Reply to this message">
            Reply
          </button>
          {QUICK_REACTIONS.map((emoji) => (
            <button key={emoji} type="button" className="ghost small" onClick={() => actions.onReact(message, emoji)} aria-label={`React ${emoji}`}>
              {emoji}
            </button>
          ))}
        </div>
      )}
    </article>
  );
}

/** The short text of a quoted message. */
export function quoteText(message: KapsoMessage): string {
  const body = (message.text as { body?: string } | undefined)?.body ?? (typeof message.kapso?.content === 'string' ? message.kapso.content : null);
  return previewOf(message.type, body ?? null);
}

/** Meta's reason for a failed message (its errors[].error_data.details, else message or title). */
export function failureReason(errors: MetaError[]): string {
  const error = errors[errors.length - 1];
  if (!error) return 'Meta reported a failure';
  const reason = error.error_data?.details ?? error.message ?? error.title ?? 'Meta reported a failure';
  return error.code ? `${reason} (${error.code})` : reason;
}
