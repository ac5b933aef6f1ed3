import { packageVersion } from '../version.ts';
import { Command } from 'commander';
import { ConfigError, wantsStartupStacks } from '../config.ts';
import { registerSimulatorCommand } from '../simulator/cli.ts';
import { explainStartupFailure } from './startup-errors.ts';
import { TenancyError } from '../tenants/tenancy.ts';
import { KapsoError } from '../http/kapso-errors.ts';
import { registerBackupCommand } from './backup.ts';
import { registerBroadcastCommands } from './broadcasts.ts';
import { registerDoctorCommand } from './doctor.ts';
import { registerKeyCommands } from './keys.ts';
import { registerMediaCommands } from './media.ts';
import { registerMigrateCommand } from './migrate.ts';
import { registerNumberCommands } from './numbers.ts';
import { registerProjectCommands } from './projects.ts';
import { registerPruneCommand } from './prune.ts';
import { registerRestoreCommand } from './restore.ts';
import { registerSandboxCommand } from './sandbox.ts';
import { registerSuppressionCommands } from './suppressions.ts';
import { registerServeCommand } from './serve.ts';
import { registerWebhookCommands } from './webhooks.ts';
import { registerWorkerCommand } from './worker.ts';

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
  registerServeCommand(program);
  registerWorkerCommand(program);
  registerMigrateCommand(program);
  registerBackupCommand(program);
  registerRestoreCommand(program);
  registerDoctorCommand(program);
  registerProjectCommands(program);
  registerKeyCommands(program);
  registerNumberCommands(program);
  registerWebhookCommands(program);
  registerMediaCommands(program);
  registerBroadcastCommands(program);
  registerSuppressionCommands(program);
  registerPruneCommand(program);
  registerSandboxCommand(program);
  registerSimulatorCommand(program);
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

