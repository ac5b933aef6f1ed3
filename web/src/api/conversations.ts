import { api, query } from './http.ts';
import type { InboxConversation, Member, Note, Page, PhoneNumber, Template } from './types.ts';

export interface ConversationFilter {
  status: 'active' | 'ended' | 'all';
  assigned: 'me' | 'unassigned' | 'any';
  phoneNumberId: string;
}

/** The list a member sees on opening the inbox: every active conversation, of every number. */
export const DEFAULT_FILTER: ConversationFilter = { status: 'active', assigned: 'any', phoneNumberId: '' };

export function listConversations(filter: ConversationFilter, cursor: string | null, signal?: AbortSignal): Promise<Page<InboxConversation>> {
  const q = query({ status: filter.status, assigned: filter.assigned, phone_number_id: filter.phoneNumberId, cursor, limit: 30 });
  return api(`/inbox/api/conversations${q}`, { signal });
}

export function getConversation(id: string): Promise<InboxConversation> {
  return api(`/inbox/api/conversations/${encodeURIComponent(id)}`);
}

export function updateConversation(id: string, change: { status?: 'active' | 'ended'; assignee_id?: string | null }): Promise<InboxConversation> {
  return api(`/inbox/api/conversations/${encodeURIComponent(id)}`, { method: 'PATCH', body: change });
}

export function markRead(id: string): Promise<void> {
  return api(`/inbox/api/conversations/${encodeURIComponent(id)}/read`, { method: 'POST' });
}

export function listNotes(id: string): Promise<{ data: Note[] }> {
  return api(`/inbox/api/conversations/${encodeURIComponent(id)}/notes`);
}

export function addNote(id: string, body: string): Promise<Note> {
  return api(`/inbox/api/conversations/${encodeURIComponent(id)}/notes`, { method: 'POST', body: { body } });
}

export function contactConversations(contactId: string): Promise<{ data: InboxConversation[] }> {
  return api(`/inbox/api/contacts/${encodeURIComponent(contactId)}/conversations`);
}

export function renameContact(contactId: string, name: string): Promise<{ id: string; name: string }> {
  return api(`/inbox/api/contacts/${encodeURIComponent(contactId)}`, { method: 'PATCH', body: { name } });
}

export function listNumbers(): Promise<{ data: PhoneNumber[] }> {
  return api('/inbox/api/numbers');
}

export function listMembers(): Promise<{ data: Member[] }> {
  return api('/inbox/api/members');
}

export function listTemplates(phoneNumberId: string): Promise<{ data: Template[] }> {
  return api(`/inbox/api/numbers/${encodeURIComponent(phoneNumberId)}/templates`);
}
