import { parseArgs } from 'node:util';
import { type BenchDialect, dialectsOf, positiveInt } from './options.ts';

/** What `npm run bench:inbox` measures, and on how much stored history. */
export interface InboxBenchOptions {
  dialects: BenchDialect[];
  /** Conversations stored, the 5,000-message thread included (issue 21: 10,000). */
  conversations: number;
  /** Messages stored, the thread's included (issue 21: 1,000,000). */
  messages: number;
  /** Messages of the one long thread opened and scrolled (issue 21: 5,000). */
  threadMessages: number;
  /** Sequential requests per API latency figure (after 10 unmeasured). */
  samples: number;
  /** Page loads in Chromium per first-screen figure. */
  loads: number;
  /** Older pages scrolled to in the long thread. */
  olderPages: number;
  /** Customer messages sent one at a time for the live figures. */
  liveMessages: number;
  /** Pause after a live message was seen everywhere, before the next one. */
  liveGapMs: number;
  postgresUrl: string;
  /** The parts to run (all by default; fewer when looking into one). */
  parts: InboxPart[];
}

export const INBOX_PARTS = ['api', 'first-screen', 'scroll', 'live', 'search'] as const;
export type InboxPart = (typeof INBOX_PARTS)[number];

export const INBOX_USAGE = `usage: npm run bench:inbox -- [--dialect sqlite|postgres|both] [--conversations N] [--messages N]
                               [--thread-messages N] [--samples N] [--loads N] [--older-pages N]
                               [--live-messages N] [--live-gap-ms MS] [--postgres-url URL]
                               [--parts api,first-screen,scroll,live,search|none]
  defaults: both dialects, 10000 conversations, 1000000 messages (issue 21's figures), a thread of
  5000, 200 samples, 5 loads, 5 older pages, 60 live messages 250 ms apart, every part
  (--parts none seeds, starts the gateway, signs in, and stops)
  quick run: npm run bench:inbox -- --conversations 200 --messages 20000`;

/** Parses `npm run bench:inbox -- …`. */
export function parseInboxOptions(argv: string[]): InboxBenchOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      dialect: { type: 'string', default: 'both' },
      conversations: { type: 'string', default: '10000' },
      messages: { type: 'string', default: '1000000' },
      'thread-messages': { type: 'string', default: '5000' },
      samples: { type: 'string', default: '200' },
      loads: { type: 'string', default: '5' },
      'older-pages': { type: 'string', default: '5' },
      'live-messages': { type: 'string', default: '60' },
      'live-gap-ms': { type: 'string', default: '250' },
      'postgres-url': { type: 'string', default: 'postgres://postgres@127.0.0.1:5432/test' },
      parts: { type: 'string', default: INBOX_PARTS.join(',') },
      help: { type: 'boolean', default: false },
    },
    strict: true,
  });
  if (values.help) {
    console.log(INBOX_USAGE);
    process.exit(0);
  }
  const int = (name: keyof typeof values & string) => positiveInt(name, String(values[name]), INBOX_USAGE);
  const options: InboxBenchOptions = {
    dialects: dialectsOf(values.dialect, INBOX_USAGE),
    conversations: int('conversations'),
    messages: int('messages'),
    threadMessages: int('thread-messages'),
    samples: int('samples'),
    loads: int('loads'),
    olderPages: int('older-pages'),
    liveMessages: int('live-messages'),
    liveGapMs: int('live-gap-ms'),
    postgresUrl: values['postgres-url'],
    parts: partsOf(values.parts),
  };
  // The long thread is one of the conversations; every other conversation needs a message.
  if (options.conversations < 2) throw new Error(`--conversations must be at least 2\n${INBOX_USAGE}`);
  if (options.messages < options.threadMessages + options.conversations - 1) {
    throw new Error(`--messages must be at least --thread-messages + --conversations - 1 (${options.threadMessages + options.conversations - 1})\n${INBOX_USAGE}`);
  }
  return options;
}

function partsOf(value: string): InboxPart[] {
  if (value === 'none') return [];
  const names = value.split(',').map((s) => s.trim());
  const unknown = names.filter((n) => !(INBOX_PARTS as readonly string[]).includes(n));
  if (unknown.length > 0) throw new Error(`--parts takes ${INBOX_PARTS.join(', ')} or none; unknown: ${unknown.join(', ')}\n${INBOX_USAGE}`);
  return INBOX_PARTS.filter((n) => names.includes(n));
}
