import type { Command } from 'commander';
import { requeueFailedMedia } from '../media/claim-store.ts';
import { parseInstantMs } from '../http/instants.ts';
import { findProject } from '../tenants/store.ts';
import { TenancyError } from '../tenants/tenancy.ts';
import { output, withDeps } from './context.ts';

interface RetryOptions {
  failed?: boolean;
  since?: string;
  project?: string;
  json?: boolean;
}

/**
 * `switchboard media retry --failed --since ISO [--project ID]`: queues failed downloads again
 * (docs/media.md), e.g. once a revoked token is replaced. A running worker picks them up.
 */
export function registerMediaCommands(program: Command): void {
  const media = program.command('media').description('media files of messages');
  media
    .command('retry')
    .description('download again every media file that failed since an instant')
    .option('--failed', 'the failed downloads (the only kind there is to retry)')
    .option('--since <iso>', 'failed at or after this instant (ISO 8601)')
    .option('--project <id>', 'only this project (default: all)')
    .option('--json', 'print one JSON object')
    .action(async (o: RetryOptions) => {
      const sinceMs = o.since === undefined ? null : parseInstantMs(o.since);
      if (!o.failed || sinceMs === null) {
        console.error(o.since !== undefined && sinceMs === null ? `switchboard: --since must be an ISO 8601 instant, got '${o.since}'` : 'switchboard: give --failed --since <iso>');
        process.exitCode = 1;
        return;
      }
      const requeued = await withDeps(async (deps) => {
        if (o.project !== undefined && !(await findProject(deps.database.db, o.project))) throw new TenancyError(`no project ${o.project}`);
        return requeueFailedMedia(deps.database.db, { sinceMs, projectId: o.project, now: deps.clock.now() });
      });
      output(!!o.json, { requeued }, `${requeued} media ${requeued === 1 ? 'file' : 'files'} queued again; a running worker downloads them`);
    });
}
