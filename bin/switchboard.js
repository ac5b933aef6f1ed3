#!/usr/bin/env node
// The published entry point: registers tsx so the TypeScript sources run as they are, then hands
// argv to the CLI. Keeping one source of truth (no build step) means `npm ci && npm start` works.
import { register } from 'tsx/esm/api';

register();
await import('../src/main.ts');
