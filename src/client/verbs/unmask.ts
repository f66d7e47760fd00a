// `unmask UNIT…` (04 §10): see unit-files.ts for the output and --now.
import { runUnitFileVerb } from '../unit-files.ts';
import type { Verb } from './verb.ts';

const verb: Verb = { minArgs: 1, run: (ctx, args) => runUnitFileVerb(ctx, 'unmask', args) };
export default verb;
