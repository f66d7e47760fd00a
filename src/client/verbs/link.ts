// `link PATH…` (04 §10): link unit files from outside the search path into the configuration
// directory; output and --runtime/--force as for enable (unit-files.ts).
import { runUnitFileVerb } from '../unit-files.ts';
import type { Verb } from './verb.ts';

const verb: Verb = { minArgs: 1, run: (ctx, args) => runUnitFileVerb(ctx, 'link', args) };
export default verb;
