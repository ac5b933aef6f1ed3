// `switchboard` run from the TypeScript sources through tsx, so CLI tests prove the code as it is
// edited, with no build in between. The compiled build (bin/switchboard.js) has its own test.
import { register } from 'tsx/esm/api';

register();
await import('../../src/main.ts');
