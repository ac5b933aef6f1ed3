import { errors, type GraphError } from '../http/errors.ts';
import { BUFFERABLE_EVENTS, NUMBER_EVENTS, PROJECT_EVENTS } from '../events/event-types.ts';
import type { WebhookCreateInput, WebhookUpdateInput } from './schemas.ts';
import { parseWebhookUrl } from './url-policy.ts';

/**
 * A subscription's configuration and the rules that depend on where it lives (pure). The HTTP
 * routes and the CLI both go through settingsForCreate / settingsForUpdate, so the rules have one
 * home (kapso-api.md §8.1, §8.7).
 */
export interface WebhookSettings {
  url: string;
  kind: 'kapso' | 'meta';
  events: string[];
  active: boolean;
  headers: Record<string, string>;
  payloadVersion: 'v2';
  bufferEnabled: boolean;
  bufferWindowSeconds: number;
  maxBufferSize: number;
  bufferEvents: string[];
  inactivityMinutes: number;
}

/** Number webhooks have a phone number; project webhooks have none. */
export interface WebhookScope {
  phoneNumberId: string | null;
}

export interface UrlPolicy {
  allowPrivate: boolean;
}

/** §8.5, §8.7 defaults. */
export const DEFAULT_BUFFER_WINDOW_SECONDS = 5;
export const DEFAULT_MAX_BUFFER_SIZE = 50;
export const DEFAULT_INACTIVITY_MINUTES = 60;

const NUMBER_EVENT_SET: ReadonlySet<string> = new Set(NUMBER_EVENTS);
const PROJECT_EVENT_SET: ReadonlySet<string> = new Set(PROJECT_EVENTS);
const BUFFERABLE_EVENT_SET: ReadonlySet<string> = new Set(BUFFERABLE_EVENTS);

/** The settings of a new subscription: the input over the defaults, then every rule checked. */
export function settingsForCreate(input: WebhookCreateInput, scope: WebhookScope, policy: UrlPolicy): WebhookSettings {
  const bufferEnabled = input.buffer_enabled ?? false;
  return checkSettings(
    {
      url: input.url,
      kind: input.kind ?? 'kapso',
      events: input.events ?? [],
      active: input.active ?? true,
      headers: input.headers ?? {},
      payloadVersion: 'v2',
      bufferEnabled,
      bufferWindowSeconds: input.buffer_window_seconds ?? DEFAULT_BUFFER_WINDOW_SECONDS,
      maxBufferSize: input.max_buffer_size ?? DEFAULT_MAX_BUFFER_SIZE,
      // Turning buffering on without naming events buffers what can be buffered.
      bufferEvents: input.buffer_events ?? (bufferEnabled ? [...BUFFERABLE_EVENTS] : []),
      inactivityMinutes: input.inactivity_minutes ?? DEFAULT_INACTIVITY_MINUTES,
    },
    scope,
    policy,
  );
}

/**
 * A subscription's settings after a partial update; the result is checked as a whole, so a patch
 * cannot combine with old values into something a create would refuse. The kind is fixed at
 * creation (Kapso: "cannot be changed after creation").
 */
export function settingsForUpdate(current: WebhookSettings, patch: WebhookUpdateInput, scope: WebhookScope, policy: UrlPolicy): WebhookSettings {
  if (patch.kind !== undefined && patch.kind !== current.kind) {
    throw errors.invalidParameter('kind', 'kind cannot be changed after creation; create another webhook instead.');
  }
  const bufferEnabled = patch.buffer_enabled ?? current.bufferEnabled;
  const bufferingTurnedOn = bufferEnabled && !current.bufferEnabled;
  return checkSettings(
    {
      ...current,
      url: patch.url ?? current.url,
      events: patch.events ?? current.events,
      active: patch.active ?? current.active,
      headers: patch.headers ?? current.headers,
      bufferEnabled,
      // An explicit null resets to the default, as on create.
      bufferWindowSeconds: patch.buffer_window_seconds === null ? DEFAULT_BUFFER_WINDOW_SECONDS : (patch.buffer_window_seconds ?? current.bufferWindowSeconds),
      maxBufferSize: patch.max_buffer_size === null ? DEFAULT_MAX_BUFFER_SIZE : (patch.max_buffer_size ?? current.maxBufferSize),
      bufferEvents: patch.buffer_events ?? (bufferingTurnedOn && current.bufferEvents.length === 0 ? [...BUFFERABLE_EVENTS] : current.bufferEvents),
      inactivityMinutes: patch.inactivity_minutes ?? current.inactivityMinutes,
    },
    scope,
    policy,
  );
}

/**
 * What a refusal of a private URL adds: how to allow one. It names the gateway's processes, since
 * the delivery worker checks the address again at every delivery. The CLI, which checks with its
 * own environment, replaces it with its own wording (cli/webhooks.ts).
 */
export const PRIVATE_URL_HINT =
  "Such URLs are refused unless the gateway's serve and worker processes run with WEBHOOK_ALLOW_PRIVATE_URLS=true, which allows them for local development.";

/**
 * Applies every rule; throws the GraphError the caller answers with. The URL comes last: a
 * refused private URL depends on the environment, so any mistake in the body is named first.
 */
function checkSettings(settings: WebhookSettings, scope: WebhookScope, policy: UrlPolicy): WebhookSettings {
  const checked = settings.kind === 'meta' ? checkMetaSettings(settings, scope) : checkEventSettings(settings, scope);
  const parsed = parseWebhookUrl(settings.url, policy);
  if (!parsed.ok) throw errors.invalidParameter('url', parsed.blocked ? `${parsed.reason}. ${PRIVATE_URL_HINT}` : `${parsed.reason}.`);
  return checked;
}

/** The rules of a `kapso` webhook: its events, buffered events and buffering for its scope. */
function checkEventSettings(settings: WebhookSettings, scope: WebhookScope): WebhookSettings {
  const events = unique(settings.events);
  const badEvent = firstProblem(events, (e) => eventProblem(e, scope));
  if (badEvent) throw badEvent;
  if (events.length === 0) throw errors.invalidParameter('events', 'Subscribe to at least one event.');

  const bufferEvents = unique(settings.bufferEvents);
  const badBuffer = firstProblem(bufferEvents, (e) =>
    BUFFERABLE_EVENT_SET.has(e) ? null : errors.invalidParameter('buffer_events', `Event '${e}' cannot be buffered; only ${BUFFERABLE_EVENTS.join(', ')} can.`),
  );
  if (badBuffer) throw badBuffer;
  if (settings.bufferEnabled && scope.phoneNumberId === null) {
    throw errors.invalidParameter('buffer_enabled', 'Only phone-number webhooks can buffer (only message events are buffered).');
  }
  return { ...settings, events, bufferEvents };
}

/**
 * `meta` kind forwards Meta's raw payloads (§8.1): it belongs to a phone number, subscribes to
 * no events (any given are ignored) and never buffers.
 */
function checkMetaSettings(settings: WebhookSettings, scope: WebhookScope): WebhookSettings {
  if (scope.phoneNumberId === null) {
    throw errors.invalidParameter('kind', "A 'meta' webhook forwards one phone number's raw Meta webhooks; give a phone_number_id.");
  }
  if (settings.bufferEnabled) throw errors.invalidParameter('buffer_enabled', "A 'meta' webhook forwards payloads as received and cannot buffer.");
  return { ...settings, events: [], bufferEvents: [] };
}

/** Why an event name is refused for this scope, or null. Names the bad value (§8.1 scope table). */
function eventProblem(event: string, scope: WebhookScope): GraphError | null {
  const numberScoped = scope.phoneNumberId !== null;
  if (numberScoped && NUMBER_EVENT_SET.has(event)) return null;
  if (!numberScoped && PROJECT_EVENT_SET.has(event)) return null;
  if (NUMBER_EVENT_SET.has(event)) {
    return errors.invalidParameter('events', `Event '${event}' is a phone-number event; subscribe to it with a phone-number webhook.`);
  }
  if (PROJECT_EVENT_SET.has(event)) {
    return errors.invalidParameter('events', `Event '${event}' is a project event; phone-number webhooks accept only ${NUMBER_EVENTS.join(', ')}.`);
  }
  const accepted = numberScoped ? `a phone-number webhook accepts ${NUMBER_EVENTS.join(', ')}` : `a project webhook accepts ${PROJECT_EVENTS.join(', ')}`;
  return errors.invalidParameter('events', `Unknown event '${event}'; ${accepted}.`);
}

function firstProblem(values: readonly string[], check: (value: string) => GraphError | null): GraphError | null {
  for (const value of values) {
    const problem = check(value);
    if (problem) return problem;
  }
  return null;
}

function unique(values: readonly string[]): string[] {
  return [...new Set(values)];
}
