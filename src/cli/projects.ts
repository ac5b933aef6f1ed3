import type { Command } from 'commander';
import { createProject } from '../tenants/tenancy.ts';
import { output, withDeps } from './context.ts';

/** `switchboard projects create --name NAME [--json]` */
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
}
