import type { Command } from 'commander';
import { parseCutoff } from '../retention/cutoff.ts';
import { type PruneReport, pruneHistory } from '../retention/prune.ts';
import { findProject } from '../tenants/store.ts';
import { TenancyError } from '../tenants/tenancy.ts';
import { output, withDeps } from './context.ts';

interface PruneCliOptions {
  before?: string;
  mediaOnly?: boolean;
  project?: string;
  dryRun?: boolean;
  json?: boolean;
}

/**
 * `switchboard prune --before DATE [--media-only] [--project ID] [--dry-run] [--json]`: deletes
 * history older than DATE by the retention policy (docs/operations.md, "Retention and pruning"),
 * in short batches, so a running `serve` keeps ingesting meanwhile.
 */
export function registerPruneCommand(program: Command): void {
  program
    .command('prune')
    .description('delete messages (with their statuses, media and emptied conversations) older than a date')
    .option('--before <date>', 'older than this ISO 8601 date or date-time (UTC unless it says otherwise), or this age: 90d')
    .option('--media-only', 'delete only the media files; the messages stay, their media marked pruned')
    .option('--project <id>', 'only this project (default: all)')
    .option('--dry-run', 'count what would be deleted; change nothing')
    .option('--json', 'print one JSON object')
    .action(async (o: PruneCliOptions) => {
      if (o.before === undefined) {
        console.error('switchboard: give --before <date> (an ISO 8601 date such as 2026-01-31, or an age such as 90d)');
        process.exitCode = 1;
        return;
      }
      const cutoff = parseCutoff(o.before, Date.now());
      if (!cutoff.ok) {
        console.error(`switchboard: ${cutoff.reason}`);
        process.exitCode = 1;
        return;
      }
      const report = await withDeps(async (deps) => {
        if (o.project !== undefined && !(await findProject(deps.database.db, o.project))) throw new TenancyError(`no project ${o.project}`);
        return pruneHistory(deps, { beforeMs: cutoff.ms, mediaOnly: !!o.mediaOnly, dryRun: !!o.dryRun, projectId: o.project, now: deps.clock.now() });
      });
      output(!!o.json, report, describeReport(report));
    });
}

/** One line for a person: what went (or would go), and before when. */
export function describeReport(r: PruneReport): string {
  const verb = r.dryRun ? 'would delete' : 'deleted';
  const files = `${r.blobs} media ${r.blobs === 1 ? 'file' : 'files'} (${r.bytes} bytes)`;
  if (r.mediaOnly) return `${verb} ${files} of ${r.media} media ${r.media === 1 ? 'row' : 'rows'} before ${r.before}; the messages are kept`;
  return `${verb} ${r.messages} ${r.messages === 1 ? 'message' : 'messages'}, ${r.statuses} status ${r.statuses === 1 ? 'event' : 'events'}, ${r.media} media ${r.media === 1 ? 'row' : 'rows'}, ${files} and ${r.conversations} ${r.conversations === 1 ? 'conversation' : 'conversations'} before ${r.before}`;
}
