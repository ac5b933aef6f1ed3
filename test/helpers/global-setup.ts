// Filled in by the harness work; kept so vitest.config.ts resolves.
export default async function setup(): Promise<void> {}
