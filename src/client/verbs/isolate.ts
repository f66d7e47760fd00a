// `isolate UNIT`: start one unit (default suffix .target) in mode isolate, stopping the rest (06 §3).
import { runJobVerb } from '../enqueue.ts';
import type { Verb } from './verb.ts';

const isolate: Verb = {
  minArgs: 1,
  maxArgs: 1,
  run: (ctx, args) => runJobVerb(ctx, { request: 'start', word: 'start', suffix: '.target', mode: 'isolate' }, args),
};
export default isolate;
