import { packageVersion } from '../version.ts';
import { Command } from 'commander';
import { ConfigError, wantsStartupStacks } from '../config.ts';
import type { Command as CommandType } from 'commander';
import { explainStartupFailure } from './startup-errors.ts';
import { TenancyError } from '../tenants/tenancy.ts';
import { KapsoError } from '../http/kapso-errors.ts';
type Register = (program: CommandType) => void;

/**
 * Each top-level command and where its registration lives, in the order `--help` lists them.
 * Only the module of the command being run is loaded: `serve` brings Fastify and every route,
 * the simulator its own app, and a `numbers add` or `doctor` has no use for either (a CLI call
 * loaded them all, about half of its start-up).
 */
const COMMANDS: ReadonlyArray<readonly [string, () => Promise<Register>]> = [
  ['serve', async () => (await import('./serve.ts')).registerServeCommand],
  ['worker', async () => (await import('./worker.ts')).registerWorkerCommand],
  ['migrate', async () => (await import('./migrate.ts')).registerMigrateCommand],
  ['backup', async () => (await import('./backup.ts')).registerBackupCommand],
  ['restore', async () => (await import('./restore.ts')).registerRestoreCommand],
  ['doctor', async () => (await import('./doctor.ts')).registerDoctorCommand],
  ['projects', async () => (await import('./projects.ts')).registerProjectCommands],
  ['keys', async () => (await import('./keys.ts')).registerKeyCommands],
  ['numbers', async () => (await import('./numbers.ts')).registerNumberCommands],
  ['users', async () => (await import('./users.ts')).registerUserCommands],
  ['webhooks', async () => (await import('./webhooks.ts')).registerWebhookCommands],
  ['media', async () => (await import('./media.ts')).registerMediaCommands],
  ['broadcasts', async () => (await import('./broadcasts.ts')).registerBroadcastCommands],
  ['suppressions', async () => (await import('./suppressions.ts')).registerSuppressionCommands],
  ['prune', async () => (await import('./prune.ts')).registerPruneCommand],
  ['sandbox', async () => (await import('./sandbox.ts')).registerSandboxCommand],
  ['simulator', async () => (await import('../simulator/cli.ts')).registerSimulatorCommand],
];

/** The registrations argv needs: its command's alone, or all of them (help, an unknown word, none). */
async function registrationsFor(argv: readonly string[]): Promise<Register[]> {
  const word = argv[2];
  const one = COMMANDS.find(([name]) => name === word);
  return Promise.all((one ? [one] : COMMANDS).map(([, load]) => load()));
}

/**
 * Parses argv and runs the chosen command; expected failures (bad configuration, an operator's
 * fault at start such as a port in use) print one line and exit 1, with the stack only at
 * LOG_LEVEL=debug or trace.
 */
export async function runCli(argv: string[]): Promise<void> {
  const program = new Command()
    .name('switchboard')
    .description('Self-hosted WhatsApp Business gateway (Meta Cloud API proxy, history, webhooks)')
    .version(packageVersion(), '-V, --version', 'print the version');
  for (const register of await registrationsFor(argv)) register(program);
  try {
    await program.parseAsync(argv);
  } catch (err) {
    if (err instanceof ConfigError || err instanceof TenancyError) {
      console.error(`switchboard: ${err.message}`);
      process.exit(1);
    }
    // A broadcast refused by the domain (template not approved, no such number…): its own words.
    if (err instanceof KapsoError) {
      console.error(`switchboard: ${err.error}${err.detail === undefined ? '' : `: ${err.detail}`}`);
      process.exit(1);
    }
    const explained = explainStartupFailure(err, process.env);
    if (explained === null) throw err;
    console.error(`switchboard: ${explained}`);
    if (wantsStartupStacks()) console.error((err as Error).stack);
    process.exit(1);
  }
}

