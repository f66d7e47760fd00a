// `is-failed UNIT…`: print each unit's ActiveState; exit 0 if any is failed, else 1 (06 §8.1).
import { EXIT } from '../exit-codes.ts';
import { checkStates } from './is-active.ts';
import type { Verb } from './verb.ts';

const isFailed: Verb = { minArgs: 1, run: (ctx, args) => checkStates(ctx, args, ['failed'], EXIT.failure) };
export default isFailed;
