import type { KapsoMessage } from '../api/types.ts';

// Desktop notifications for customer messages that arrive while the tab is hidden. Permission is
// asked only from a user gesture (browsers ignore or penalise asking on load).

export function notificationsSupported(): boolean {
  return typeof Notification !== 'undefined';
}

export function notificationPermission(): NotificationPermission | 'unsupported' {
  return notificationsSupported() ? Notification.permission : 'unsupported';
}

export async function askNotificationPermission(): Promise<NotificationPermission | 'unsupported'> {
  if (!notificationsSupported()) return 'unsupported';
  return Notification.requestPermission();
}

/** Shows a notification for an inbound message when the tab is hidden; a click opens its thread. */
export function notifyInbound(message: KapsoMessage, conversationId: string, open: (conversationId: string) => void): void {
  if (!notificationsSupported() || Notification.permission !== 'granted' || document.visibilityState !== 'hidden') return;
  if (message.kapso?.direction !== 'inbound') return;
  const title = message.kapso.contact_name || message.from || 'New message';
  const body = typeof message.kapso.content === 'string' ? message.kapso.content.slice(0, 140) : `New ${message.type} message`;
  const notification = new Notification(title, { body, tag: conversationId });
  notification.onclick = () => {
    window.focus();
    open(conversationId);
    notification.close();
  };
}
