import type { Deps } from '../../deps.ts';
import { findLiveSessionIds, latestEventSeq, type LiveEventRow, listEventsAfter, listLatestEvents, listProjectEventsBetween } from './live-store.ts';
import { type InboxViews, type RenderDeps, renderLiveEvents } from './render-live-events.ts';
import { SeqWatermark } from './seq-watermark.ts';
import type { LiveFrame, SseStream } from './sse-stream.ts';

/** Who a stream belongs to: its events are its project's, its session is checked while it is open. */
export interface StreamOwner {
  userId: string;
  projectId: string;
  sessionId: string;
}

/** Timings; the defaults are docs/inbox-api.md's, tests shorten them. */
export interface LiveTimings {
  /** How often the outbox is read while anyone is connected. */
  pollMs: number;
  /** How long a missing seq may hold later events back before it is taken for a rollback (seq-watermark.ts). */
  graceMs: number;
  /** How often each stream gets a comment line. */
  keepAliveMs: number;
  /** How often the streams' sessions are checked (sign-out, expiry, removal end them). */
  sessionCheckMs: number;
}

export const DEFAULT_LIVE_TIMINGS: LiveTimings = Object.freeze({ pollMs: 100, graceMs: 2_000, keepAliveMs: 15_000, sessionCheckMs: 5_000 });

/** Open streams per member (tabs, devices); one more answers 429. */
export const MAX_STREAMS_PER_MEMBER = 10;
/** A reconnecting stream that missed more events of its project than this is told to `reset`. */
const MAX_BACKLOG = 500;
/** Nor does it look further back than this many outbox rows (of every project): the read scans them. */
const MAX_BACKLOG_RANGE = 50_000;
/** Outbox rows read per poll. */
const BATCH = 500;
/** At start, rows this far back are looked at again: a lower seq may still be committing. */
const START_WINDOW = 200;

interface Subscriber {
  owner: StreamOwner;
  stream: SseStream;
  /** The highest seq sent (or known to the browser): frames at or below it are not sent again. */
  lastSent: number;
  /** Frames that arrived while its backlog was being read; null once live. */
  queue: LiveFrame[][] | null;
}

/**
 * The live stream's one reader of the outbox per process (docs/inbox-api.md "Live events"). While
 * any browser is connected it reads the `events` table by seq every `pollMs` and fans each new
 * row out to the connected members of its project; with nobody connected it makes no query. Every
 * process reads the shared table, so an event written by any process (or `switchboard worker`)
 * reaches every browser. Rows are released in seq order without gaps (seq-watermark.ts), so a
 * stream's ids only grow and `Last-Event-ID` resumes exactly where it stopped.
 */
export class LiveHub {
  private readonly subscribers = new Set<Subscriber>();
  private watermark: SeqWatermark<LiveEventRow> | null = null;
  private starting: Promise<SeqWatermark<LiveEventRow>> | null = null;
  private pollTimer: NodeJS.Timeout | null = null;
  private intervals: NodeJS.Timeout[] = [];
  private closed = false;
  private lastErrorLogAt = 0;
  /** Bumped when reading stops: a poll of an earlier round in flight then schedules no other. */
  private round = 0;

  constructor(
    private readonly deps: RenderDeps & Pick<Deps, 'log'>,
    private readonly views: InboxViews,
    private readonly timings: LiveTimings = DEFAULT_LIVE_TIMINGS,
  ) {}

  /** Whether `userId` may open one more stream. */
  hasRoomFor(userId: string): boolean {
    let open = 0;
    for (const s of this.subscribers) if (s.owner.userId === userId) open++;
    return open < MAX_STREAMS_PER_MEMBER;
  }

  /**
   * Attaches a stream: from `lastEventId` when the browser resumes (what it missed first, or a
   * `reset` when that is too much), else from now. Returns the function that detaches it, and
   * `started`, settled once the stream's starting point is fixed: the route answers only then,
   * so every event committed after the browser sees the stream open is sent on it (the first
   * stream's starting point is a query, which a webhook could otherwise beat).
   */
  open(owner: StreamOwner, stream: SseStream, lastEventId: number | 'invalid' | null): { detach: () => void; started: Promise<void> } {
    const subscriber: Subscriber = { owner, stream, lastSent: 0, queue: [] };
    if (this.closed) {
      stream.end();
      return { detach: () => undefined, started: Promise.resolve() };
    }
    this.subscribers.add(subscriber);
    if (this.subscribers.size === 1) this.startTimers();
    let markStarted = (): void => undefined;
    const started = new Promise<void>((resolve) => (markStarted = resolve));
    void this.catchUp(subscriber, lastEventId, markStarted)
      .catch((err: unknown) => {
        this.deps.log.error({ err }, 'live stream could not start');
        this.detach(subscriber);
      })
      .finally(markStarted);
    return { detach: () => this.detach(subscriber), started };
  }

  /** Ends every stream and stops reading (app close: a stream must not hold the server open). */
  close(): void {
    this.closed = true;
    for (const s of [...this.subscribers]) this.detach(s);
  }

  private detach(subscriber: Subscriber): void {
    subscriber.stream.end();
    if (!this.subscribers.delete(subscriber)) return;
    if (this.subscribers.size === 0) this.stopReading();
  }

  /** Sends what the stream missed, then what arrived meanwhile, then goes live. */
  private async catchUp(s: Subscriber, lastEventId: number | 'invalid' | null, markStarted: () => void): Promise<void> {
    const upto = (await this.started()).settled;
    // Rows above `upto` are news to this stream, whenever they commit.
    markStarted();
    if (lastEventId === null) {
      s.lastSent = upto;
    } else if (lastEventId !== 'invalid' && lastEventId > upto && lastEventId <= (await latestEventSeq(this.deps.database.db))) {
      // Sent by a process whose reader is ahead of this one's: what follows arrives here live.
      s.lastSent = lastEventId;
    } else if (lastEventId === 'invalid' || lastEventId > upto || upto - lastEventId > MAX_BACKLOG_RANGE) {
      this.reset(s, upto);
    } else {
      const missed = await listProjectEventsBetween(this.deps.database.db, s.owner.projectId, lastEventId, upto, MAX_BACKLOG + 1);
      if (missed.length > MAX_BACKLOG) {
        this.reset(s, upto);
      } else {
        s.lastSent = lastEventId;
        const frames = await renderLiveEvents(this.deps, this.views, s.owner.projectId, missed, [s.owner.userId]);
        this.sendFrames(s, frames.get(s.owner.userId) ?? []);
        s.lastSent = Math.max(s.lastSent, upto);
      }
    }
    for (const frames of s.queue ?? []) this.sendFrames(s, frames);
    s.queue = null;
  }

  /** Too much was missed to replay: the browser refetches what it shows, and the stream goes on from `upto`. */
  private reset(s: Subscriber, upto: number): void {
    s.stream.send({ seq: upto, event: 'reset', data: '{}' });
    s.lastSent = upto;
  }

  /** Sends a batch's frames above what was sent before it (a row may give two frames with one seq). */
  private sendFrames(s: Subscriber, frames: readonly LiveFrame[]): void {
    const floor = s.lastSent;
    for (const frame of frames) {
      if (frame.seq <= floor) continue;
      if (!s.stream.send(frame)) {
        this.detach(s);
        return;
      }
      s.lastSent = Math.max(s.lastSent, frame.seq);
    }
  }

  /** The reader's watermark, set up on first use: the newest seq, with the last few rows looked at again. */
  private started(): Promise<SeqWatermark<LiveEventRow>> {
    this.starting ??= (async () => {
      const { db } = this.deps.database;
      const newest = await listLatestEvents(db, START_WINDOW);
      const watermark = new SeqWatermark<LiveEventRow>(Math.max(0, (newest[0]?.seq ?? 0) - START_WINDOW), this.timings.graceMs);
      // Rows already committed are history, not news, even behind a gap; a lower one that commits
      // late is released in its turn.
      watermark.takeHistory(newest, Date.now());
      this.watermark = watermark;
      return watermark;
    })();
    return this.starting;
  }

  private startTimers(): void {
    this.schedulePoll(0, this.round);
    this.intervals = [
      setInterval(() => this.keepAlive(), this.timings.keepAliveMs),
      setInterval(() => void this.checkSessions(), this.timings.sessionCheckMs),
    ];
    for (const t of this.intervals) t.unref();
  }

  private stopReading(): void {
    if (this.pollTimer) clearTimeout(this.pollTimer);
    this.pollTimer = null;
    for (const t of this.intervals) clearInterval(t);
    this.intervals = [];
    // Nobody is listening: the next stream starts from the outbox as it is then.
    this.round++;
    this.watermark = null;
    this.starting = null;
  }

  private schedulePoll(delayMs: number, round: number): void {
    this.pollTimer = setTimeout(() => void this.poll(round), delayMs);
    this.pollTimer.unref();
  }

  private async poll(round: number): Promise<void> {
    let full = false;
    try {
      const watermark = await this.started();
      const rows = await listEventsAfter(this.deps.database.db, watermark.settled, BATCH);
      full = rows.length === BATCH;
      const released = watermark.take(rows, Date.now());
      if (released.length > 0 && this.watermark === watermark) await this.dispatch(released);
    } catch (err) {
      this.logError(err);
    }
    if (round === this.round && !this.closed) this.schedulePoll(full ? 0 : this.timings.pollMs, round);
  }

  /** Renders released rows once per project for its connected members, and sends them. */
  private async dispatch(rows: readonly LiveEventRow[]): Promise<void> {
    const byProject = new Map<string, LiveEventRow[]>();
    for (const row of rows) if (row.project_id) byProject.set(row.project_id, [...(byProject.get(row.project_id) ?? []), row]);
    for (const [projectId, projectRows] of byProject) {
      const listening = [...this.subscribers].filter((s) => s.owner.projectId === projectId);
      if (listening.length === 0) continue;
      const frames = await renderLiveEvents(this.deps, this.views, projectId, projectRows, [...new Set(listening.map((s) => s.owner.userId))]);
      for (const s of listening) {
        const own = frames.get(s.owner.userId) ?? [];
        if (s.queue) s.queue.push(own);
        else this.sendFrames(s, own);
      }
    }
  }

  private keepAlive(): void {
    for (const s of [...this.subscribers]) if (!s.stream.comment('keep-alive')) this.detach(s);
  }

  /** Ends the streams whose session ended (sign-out, expiry, the member removed or reset). */
  private async checkSessions(): Promise<void> {
    try {
      const open = [...this.subscribers];
      const live = await findLiveSessionIds(this.deps.database.db, [...new Set(open.map((s) => s.owner.sessionId))], this.deps.clock.now());
      for (const s of open) if (!live.has(s.owner.sessionId)) this.detach(s);
    } catch (err) {
      this.logError(err);
    }
  }

  /** A database outage fails every poll: logged once every 10 s, not ten times a second. */
  private logError(err: unknown): void {
    const now = Date.now();
    if (now - this.lastErrorLogAt < 10_000) return;
    this.lastErrorLogAt = now;
    this.deps.log.warn({ err }, 'live stream could not read the outbox; retrying');
  }
}
