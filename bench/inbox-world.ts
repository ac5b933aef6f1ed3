import { randomBytes } from 'node:crypto';
import type { GenerationTiming } from './database.ts';
import { type Dataset, planDataset } from './dataset.ts';
import type { InboxBenchOptions } from './inbox-options.ts';
import type { BusinessNumber } from './payloads.ts';
import { createPostgresDatabase } from './postgres-database.ts';
import { freePort, type GatewayEnv, runCli, type ServerProcess, startServer } from './processes.ts';
import { createSqliteDatabase } from './sqlite-database.ts';
import type { BenchDialect } from './options.ts';

/** A number of the bench's project and the history generated on it. */
export interface SeededNumber {
  number: BusinessNumber;
  appSecret: string;
  dataset: Dataset;
}

/** One dialect's gateway, its stored history and a signed-in member. */
export interface InboxWorld {
  dialect: BenchDialect;
  baseUrl: string;
  apiKey: string;
  /** Every conversation but the long thread, one customer each, the messages spread round-robin. */
  main: SeededNumber;
  /** One conversation holding the long thread. */
  thread: SeededNumber;
  generation: GenerationTiming;
  /** `switchboard_session=…`, as a Cookie header carries it. */
  cookie: string;
  server: ServerProcess;
  close(): Promise<void>;
}

const MAIN: BusinessNumber = { phoneNumberId: '106540352242922', displayPhoneNumber: '15550100100', wabaId: '102290129340398' };
const THREAD: BusinessNumber = { phoneNumberId: '106540352242923', displayPhoneNumber: '15550100101', wabaId: '102290129340398' };
const EMAIL = 'bench-agent@inbox.bench';

/**
 * A fresh database of the dialect with the project, its two numbers and a member made through the
 * CLI as an operator would, the history generated with the drivers (bench/dataset.ts), then
 * `switchboard serve` in a child process and the member signed in through the inbox API.
 */
export async function startInboxWorld(dialect: BenchDialect, options: InboxBenchOptions, progress: (text: string) => void): Promise<InboxWorld> {
  const db = dialect === 'sqlite' ? createSqliteDatabase() : createPostgresDatabase(options.postgresUrl);
  try {
    const port = await freePort();
    const baseUrl = `http://127.0.0.1:${port}`;
    // SANDBOX off: no sandbox project or simulator beside the bench's. PUBLIC_URL: the origin the browser is on.
    const env = { DATABASE_URL: db.url, SWITCHBOARD_SECRET: randomBytes(24).toString('base64url'), SANDBOX: 'false', PUBLIC_URL: baseUrl };
    await runCli(['migrate'], env);
    const created = JSON.parse(await runCli(['projects', 'create', '--name', 'inbox-bench', '--json'], env)) as { project: { id: string }; api_key: string };
    const projectId = created.project.id;
    const mainSecret = await addNumber(env, projectId, MAIN);
    const threadSecret = await addNumber(env, projectId, THREAD);
    const password = randomBytes(18).toString('base64url');
    await runCli(['users', 'add', '--project', projectId, '--email', EMAIL, '--role', 'admin', '--password', password, '--json'], env);

    await db.open();
    const thread = { number: THREAD, appSecret: threadSecret, dataset: planDataset(THREAD.phoneNumberId, options.threadMessages, 1) };
    const main = {
      number: MAIN,
      appSecret: mainSecret,
      dataset: planDataset(MAIN.phoneNumberId, options.messages - options.threadMessages, options.conversations - 1),
    };
    progress(`generating ${options.messages.toLocaleString('en-US')} messages over ${options.conversations.toLocaleString('en-US')} conversations…`);
    const threadTiming = await db.generate(thread.dataset);
    const mainTiming = await db.generate(main.dataset);
    const generation = { insertSeconds: threadTiming.insertSeconds + mainTiming.insertSeconds, settleSeconds: threadTiming.settleSeconds + mainTiming.settleSeconds };
    progress(`generated in ${generation.insertSeconds.toFixed(1)} s (+ ${generation.settleSeconds.toFixed(1)} s settling)`);

    const server = await startServer(env as GatewayEnv, { cpuProfileDir: null, label: `inbox-${dialect}`, port });
    try {
      const cookie = await signIn(baseUrl, EMAIL, password);
      return {
        dialect,
        baseUrl,
        apiKey: created.api_key,
        main,
        thread,
        generation,
        cookie,
        server,
        async close() {
          await server.stop();
          await db.drop();
        },
      };
    } catch (err) {
      await server.stop();
      throw err;
    }
  } catch (err) {
    await db.drop();
    throw err;
  }
}

/** `switchboard numbers add` with a fresh app secret, which the bench signs its webhooks with. */
async function addNumber(env: GatewayEnv, projectId: string, number: BusinessNumber): Promise<string> {
  const appSecret = randomBytes(16).toString('hex');
  await runCli(
    ['numbers', 'add', '--project', projectId, '--phone-number-id', number.phoneNumberId, '--display-phone-number', number.displayPhoneNumber,
      '--waba-id', number.wabaId, '--access-token', 'bench-access-token', '--app-secret', appSecret, '--verify-token', `v${number.phoneNumberId}`, '--json'],
    env,
  );
  return appSecret;
}

/** `POST /inbox/api/session` (docs/inbox-api.md): the session cookie, ready for a Cookie header. */
async function signIn(baseUrl: string, email: string, password: string): Promise<string> {
  const res = await fetch(`${baseUrl}/inbox/api/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password }) });
  const body = await res.text();
  if (res.status !== 200) throw new Error(`sign-in answered ${res.status}: ${body.slice(0, 300)}`);
  const pair = res.headers.getSetCookie().find((c) => c.startsWith('switchboard_session='))?.split(';')[0];
  if (!pair || pair === 'switchboard_session=') throw new Error('sign-in set no session cookie');
  return pair;
}
