import type { Command } from 'commander';
import { loadConfig } from '../config.ts';
import { failed, renderReport, reportJson } from '../doctor/render.ts';
import { runDoctor } from '../doctor/run-doctor.ts';
import { output } from './context.ts';
import { explainStartupFailure } from './startup-errors.ts';

/**
 * `switchboard doctor`: checks a deployment (configuration, database and migrations, the secret,
 * the media store, each real number at Meta, each webhook URL) and prints one line per check with
 * what to do about anything not ok. Exit 1 when a check failed. Safe beside a running `serve`:
 * it takes no lock and writes nothing.
 */
export function registerDoctorCommand(program: Command): void {
  program
    .command('doctor')
    .description('check this deployment and say what to fix')
    .option('--json', 'print one JSON object: {"ok":bool,"checks":[{"name","state","detail","fix"}]}')
    .action(async (o: { json?: boolean }) => {
      const results = await runDoctor({ loadConfig: () => loadConfig(), explainFailure: (err) => explainStartupFailure(err, process.env) });
      output(!!o.json, reportJson(results), renderReport(results));
      if (failed(results)) process.exitCode = 1;
    });
}
