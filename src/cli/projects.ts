import type { Command } from 'commander';
import { listProjects } from '../tenants/store.ts';
import { createProject } from '../tenants/tenancy.ts';
import { output, withDeps } from './context.ts';

/** `switchboard projects create --name NAME`, `switchboard projects list` */
export function registerProjectCommands(program: Command): void {
  const projects = program.command('projects').description('manage projects (tenants)');
  projects
    .command('create')
    .description('create a project and its first API key (shown once)')
    .requiredOption('--name <name>', 'project name')
    .option('--json', 'print one JSON object')
    .action(async (opts: { name: string; json?: boolean }) => {
      const { project, apiKey } = await withDeps((deps) => createProject(deps, opts.name));
      output(
        !!opts.json,
        { project: { id: project.id, name: project.name }, api_key: apiKey },
        `project ${project.id} (${project.name})\napi key: ${apiKey}\n(the key is shown only this once)`,
      );
    });
  projects
    .command('list')
    .description('list every project of this database, oldest first')
    .option('--json', 'print one JSON object')
    .action(async (opts: { json?: boolean }) => {
      const rows = await withDeps((deps) => listProjects(deps.database.db));
      const listed = rows.map((p) => ({ id: p.id, name: p.name, created_at: new Date(Number(p.created_at)).toISOString() }));
      output(!!opts.json, { projects: listed }, listed.length === 0 ? 'no projects' : listed.map((p) => `${p.id}  ${p.name}  (created ${p.created_at})`).join('\n'));
    });
}
