import type { ConversationView } from '../conversations/store.ts';
import type { BroadcastRow, BroadcastStatus, EventRow, MessageRow, StatusRow } from '../db/schema.ts';
import { formatInstant } from '../http/instants.ts';
import { META_RAW_EVENT } from '../events/event-types.ts';
import { renderConversationEvent, renderInactiveEvent } from '../conversations/render-conversation-event.ts';
import { renderMessageEvent } from '../messages/render-message-event.ts';
import { renderPhoneNumberEvent } from '../tenants/render-phone-number-event.ts';
import { broadcastEventBody } from '../broadcasts/broadcast-event.ts';

/**
 * The bodies of test events (kapso-api.md §8.8: "the sample payload content is undocumented"):
 * made of fabricated rows passed through the same renderers as real events, so a receiver sees
 * exactly §8.4's shapes. Every id is obviously fake: the nil UUID for the conversation and
 * workflow ids, a `wamid.TEST…` message id, the 555 customer number `15550000000`. Pure.
 */

/** Where a sample is addressed, and what varies between two samples. */
export interface SampleContext {
  projectId: string;
  /** The webhook's number; a project webhook's samples use an all-zero number id. */
  phoneNumberId: string | null;
  now: number;
  /** `wamid.TEST…`, unique per test event. */
  wamid: string;
}

export const TEST_CUSTOMER_WA_ID = '15550000000';
const TEST_CONVERSATION_ID = '00000000-0000-0000-0000-000000000000';
const TEST_TEXT = 'This is a test event from Switchboard.';
const TEST_BUSINESS_DISPLAY_NUMBER = '15550000001';
const NO_NUMBER = '000000000000000';
const SENT_CHAIN = ['sent', 'delivered', 'read'];

/** The sample body of an event type (§8.2 names, or META_RAW_EVENT for a `meta` webhook). */
export function samplePayload(eventType: string, ctx: SampleContext): string {
  const event = sampleEvent(eventType, ctx);
  if (eventType.startsWith('whatsapp.message.')) {
    const inbound = eventType === 'whatsapp.message.received';
    const message = sampleMessage(ctx, inbound);
    const statuses = inbound ? [] : sampleStatuses(ctx, eventType.slice('whatsapp.message.'.length));
    return renderMessageEvent(event, message, statuses, sampleConversation(ctx, message));
  }
  if (eventType === 'whatsapp.conversation.inactive') {
    return renderInactiveEvent(event, sampleConversation(ctx, sampleMessage(ctx, true)), sampleMessage(ctx, true));
  }
  if (eventType.startsWith('whatsapp.conversation.')) return renderConversationEvent(event, sampleConversation(ctx, null));
  if (eventType.startsWith('whatsapp.phone_number.')) return renderPhoneNumberEvent(event, ctx.projectId);
  if (eventType.startsWith('workflow.execution.')) return sampleWorkflowEvent(eventType, ctx);
  if (eventType.startsWith('whatsapp.broadcast.')) return broadcastEventBody(sampleBroadcast(eventType.slice('whatsapp.broadcast.'.length), ctx));
  if (eventType === META_RAW_EVENT) return sampleMetaPayload(ctx);
  throw new Error(`no sample payload for event type ${eventType}`);
}

function numberOf(ctx: SampleContext): string {
  return ctx.phoneNumberId ?? NO_NUMBER;
}

function sampleEvent(type: string, ctx: SampleContext): EventRow {
  const status = type.startsWith('whatsapp.message.') ? type.slice('whatsapp.message.'.length) : undefined;
  return {
    seq: 0,
    id: TEST_CONVERSATION_ID,
    project_id: ctx.projectId,
    phone_number_id: numberOf(ctx),
    type,
    conversation_id: TEST_CONVERSATION_ID,
    message_id: ctx.wamid,
    data: JSON.stringify({ status, is_new_conversation: type === 'whatsapp.message.received', inactivity_minutes: 60 }),
    created_at: ctx.now,
    dispatched_at: null,
  };
}

function sampleMessage(ctx: SampleContext, inbound: boolean): MessageRow {
  return {
    seq: 0,
    id: ctx.wamid,
    phone_number_id: numberOf(ctx),
    conversation_id: TEST_CONVERSATION_ID,
    direction: inbound ? 'inbound' : 'outbound',
    type: 'text',
    from_id: inbound ? TEST_CUSTOMER_WA_ID : null,
    to_id: inbound ? null : TEST_CUSTOMER_WA_ID,
    timestamp: Math.floor(ctx.now / 1000),
    status: inbound ? 'received' : 'sent',
    processing_status: 'pending',
    origin: 'cloud_api',
    has_media: 0,
    contact_name: 'Test Customer',
    content: TEST_TEXT,
    payload: JSON.stringify({ text: { body: TEST_TEXT } }),
    kapso_data: '{}',
    created_at: ctx.now,
    updated_at: ctx.now,
  };
}

/** The status history up to `status`: sent, then delivered and read, or failed with an error. */
function sampleStatuses(ctx: SampleContext, status: string): StatusRow[] {
  const chain = status === 'failed' ? ['sent', 'failed'] : SENT_CHAIN.slice(0, SENT_CHAIN.indexOf(status) + 1);
  const timestamp = Math.floor(ctx.now / 1000);
  return chain.map((s, i) => ({
    seq: i,
    phone_number_id: numberOf(ctx),
    message_id: ctx.wamid,
    status: s,
    timestamp,
    dedupe_key: `${s}:${timestamp}`,
    payload: JSON.stringify({
      id: ctx.wamid,
      status: s,
      timestamp: String(timestamp),
      recipient_id: TEST_CUSTOMER_WA_ID,
      ...(s === 'failed' && { errors: [{ code: 131026, title: 'Message undeliverable', message: 'Message undeliverable', error_data: { details: 'Test event: no message was sent.' } }] }),
    }),
    received_at: ctx.now,
  }));
}

/** A conversation holding `message` alone, or a new one with no message (zero counts). */
function sampleConversation(ctx: SampleContext, message: MessageRow | null): ConversationView {
  const at = message ? ctx.now : null;
  return {
    id: TEST_CONVERSATION_ID,
    phone_number_id: numberOf(ctx),
    contact_id: TEST_CONVERSATION_ID,
    wa_id: TEST_CUSTOMER_WA_ID, business_scoped_user_id: null,
    status: 'active',
    metadata: '{}',
    messages_count: message ? 1 : 0,
    last_message_id: message?.id ?? null,
    last_message_type: message?.type ?? null,
    last_message_at: at,
    last_message_text: message?.content ?? null,
    last_inbound_at: message?.direction === 'inbound' ? at : null,
    last_outbound_at: message?.direction === 'outbound' ? at : null,
    last_active_at: ctx.now,
    created_at: ctx.now,
    updated_at: ctx.now,
    ended_at: null,
    contact_name: 'Test Customer',
  };
}

/** §8.4's workflow shape; Switchboard runs no workflows, so only test events ever carry it. */
function sampleWorkflowEvent(type: string, ctx: SampleContext): string {
  const failed = type === 'workflow.execution.failed';
  return JSON.stringify({
    event: type,
    occurred_at: formatInstant(ctx.now),
    project_id: ctx.projectId,
    workflow_id: TEST_CONVERSATION_ID,
    workflow_execution_id: TEST_CONVERSATION_ID,
    status: failed ? 'failed' : 'handoff',
    tracking_id: 'test',
    channel: 'whatsapp',
    whatsapp_conversation_id: TEST_CONVERSATION_ID,
    ...(failed ? { error: { message: 'Test event.' } } : { handoff: { reason: 'Test event.', source: 'action_step' } }),
  });
}

/** What a `meta` webhook receives: a Meta `messages` webhook with one text message. */
function sampleMetaPayload(ctx: SampleContext): string {
  const message = { from: TEST_CUSTOMER_WA_ID, id: ctx.wamid, timestamp: String(Math.floor(ctx.now / 1000)), type: 'text', text: { body: TEST_TEXT } };
  const value = {
    messaging_product: 'whatsapp',
    metadata: { display_phone_number: TEST_BUSINESS_DISPLAY_NUMBER, phone_number_id: numberOf(ctx) },
    contacts: [{ profile: { name: 'Test Customer' }, wa_id: TEST_CUSTOMER_WA_ID }],
    messages: [message],
  };
  return JSON.stringify({ object: 'whatsapp_business_account', entry: [{ id: '0', changes: [{ value, field: 'messages' }] }] });
}

/** A broadcast of 100 recipients in the status the event names, with counts that fit it. */
function sampleBroadcast(event: string, ctx: SampleContext): BroadcastRow {
  const status = (event === 'started' ? 'sending' : event) as BroadcastStatus;
  const done = status === 'completed';
  const template = { id: '1000000000000000', name: 'test_template', language: 'en_US', category: 'MARKETING', status: 'APPROVED', parameter_format: 'POSITIONAL', components: [{ type: 'BODY', text: TEST_TEXT }] };
  return {
    id: TEST_CONVERSATION_ID,
    project_id: ctx.projectId,
    phone_number_id: numberOf(ctx),
    name: 'Test broadcast',
    status,
    template: JSON.stringify(template),
    scheduled_at: null,
    started_at: ctx.now,
    stopped_at: status === 'stopped' ? ctx.now : null,
    completed_at: done ? ctx.now : null,
    failure_reason: status === 'failed' ? 'the template is paused at Meta (Meta 132015: Template paused)' : null,
    created_at: ctx.now,
    updated_at: ctx.now,
    total_recipients: 100,
    pending_count: done ? 0 : 100,
    sent_count: 0,
    failed_count: 0,
    delivered_count: 0,
    read_count: 0,
    responded_count: 0,
  } as BroadcastRow;
}
