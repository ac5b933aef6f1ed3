// What an agent has typed but not sent, kept per conversation in localStorage so that a reload,
// a crash or switching threads never loses it.

const PREFIX = 'switchboard.draft.';

export function loadDraft(conversationId: string): string {
  try {
    return localStorage.getItem(PREFIX + conversationId) ?? '';
  } catch {
    return '';
  }
}

export function saveDraft(conversationId: string, text: string): void {
  try {
    if (text) localStorage.setItem(PREFIX + conversationId, text);
    else localStorage.removeItem(PREFIX + conversationId);
  } catch {
    // Storage full or disabled: the draft still lives in the composer.
  }
}
