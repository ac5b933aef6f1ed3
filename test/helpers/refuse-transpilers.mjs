// Loaded with `node --import`: any later import of a transpiler or of a TypeScript file fails the
// process, so a compiled build that still needs one cannot start.
import { register } from 'node:module';

const hooks = `
const TRANSPILERS = /^(tsx|esbuild|typescript|ts-node)(\\/|$)/;
export async function resolve(specifier, context, next) {
  if (TRANSPILERS.test(specifier)) throw new Error('compiled build imported a transpiler: ' + specifier);
  return next(specifier, context);
}
export async function load(url, context, next) {
  if (/\\.[cm]?ts$/.test(new URL(url).pathname)) throw new Error('compiled build loaded TypeScript: ' + url);
  return next(url, context);
}
`;
register(`data:text/javascript,${encodeURIComponent(hooks)}`);
