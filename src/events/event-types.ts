/**
 * The events a subscription can name (kapso-api.md §8.1, §8.2). Number events are delivered only
 * to phone-number webhooks; project events only to project webhooks.
 */
export const NUMBER_EVENTS = [
  'whatsapp.message.received',
  'whatsapp.message.sent',
  'whatsapp.message.delivered',
  'whatsapp.message.read',
  'whatsapp.message.failed',
  'whatsapp.conversation.created',
  'whatsapp.conversation.ended',
  'whatsapp.conversation.inactive',
] as const;

/**
 * Project lifecycle events. Switchboard fires the phone-number ones when a number is added or
 * removed through the CLI; it runs no workflows, so the workflow events are accepted in a
 * subscription (Kapso's clients send them) but never fire.
 */
export const PROJECT_EVENTS = [
  'whatsapp.phone_number.created',
  'whatsapp.phone_number.deleted',
  // Switchboard's own: a broadcast changed status (docs/webhooks.md); Kapso documents none.
  'whatsapp.broadcast.started',
  'whatsapp.broadcast.completed',
  'whatsapp.broadcast.stopped',
  'whatsapp.broadcast.failed',
  'workflow.execution.handoff',
  'workflow.execution.failed',
] as const;

export type NumberEvent = (typeof NUMBER_EVENTS)[number];
export type ProjectEvent = (typeof PROJECT_EVENTS)[number];
export type WebhookEvent = NumberEvent | ProjectEvent;

/** The outbox type of a raw Meta payload, forwarded to `meta`-kind subscriptions as received. */
export const META_RAW_EVENT = 'meta.raw';

/** Only customer messages can be buffered into batches (§8.5). */
export const BUFFERABLE_EVENTS = ['whatsapp.message.received'] as const;

/**
 * Events held back until earlier ones of their conversation are delivered (§8.5 orders
 * `message.received` and `message.sent`). Switchboard orders every event of a conversation, so a
 * receiver never sees `read` before `delivered` or a message before its `conversation.created`;
 * the 30 s cap keeps one failing delivery from holding the rest back for long.
 */
export const ORDERED_EVENTS: ReadonlySet<string> = new Set(NUMBER_EVENTS);

/** The message event a delivery status fires, if any. */
export function messageEventForStatus(status: string): NumberEvent | null {
  switch (status) {
    case 'sent':
      return 'whatsapp.message.sent';
    case 'delivered':
      return 'whatsapp.message.delivered';
    case 'read':
      return 'whatsapp.message.read';
    case 'failed':
      return 'whatsapp.message.failed';
    default:
      return null;
  }
}

/**
 * Not a webhook event (no subscription can name it): a status Meta sent for a message this
 * gateway has not stored, whose `biz_opaque_callback_data` is a broadcast recipient's send tag.
 * The outbox's broadcast follow-up keeps the wamid it names on the recipient, the evidence that
 * Meta accepted a send whose answer was lost (docs/broadcasts.md, "Never twice").
 */
export const BROADCAST_TAGGED_STATUS_EVENT = 'switchboard.broadcast.tagged_status';

/** How every broadcast recipient's send tag starts. */
export const BROADCAST_TAG_PREFIX = 'sbb_';

/** Whether a `biz_opaque_callback_data` is a broadcast recipient's send tag. */
export function isBroadcastTag(value: unknown): value is string {
  return typeof value === 'string' && value.startsWith(BROADCAST_TAG_PREFIX);
}

/**
 * The team inbox's own changes (docs/inbox-api.md "Live events"): written to the outbox with the
 * change so the inbox's live stream sees them in order with every other event, but no webhook
 * subscription can name them and the fan-out never delivers them (outbox/match-subscriptions.ts).
 */
export const INBOX_EVENT_PREFIX = 'switchboard.inbox.';

/** A member wrote an internal note (`data.note_id`). */
export const INBOX_NOTE_CREATED_EVENT = 'switchboard.inbox.note.created';

/** A conversation's assignee changed (`data.assignee_user_id`, null when unassigned). */
export const INBOX_CONVERSATION_ASSIGNED_EVENT = 'switchboard.inbox.conversation.assigned';

/** An ended conversation was reopened (Kapso's catalogue has no event for it, §8.2). */
export const INBOX_CONVERSATION_REOPENED_EVENT = 'switchboard.inbox.conversation.reopened';

/** Whether an outbox event is the inbox's alone, never a webhook's. */
export function isInboxEvent(type: string): boolean {
  return type.startsWith(INBOX_EVENT_PREFIX);
}
