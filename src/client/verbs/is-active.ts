// `is-active UNIT…`: print each unit's ActiveState; exit 0 if any is active or reloading, else 3
// (06 §8.1). Unknown units print `inactive`. is-failed.ts shares the loop.
import type { Context } from '../context.ts';
import { EXIT } from '../exit-codes.ts';
import { RpcError } from '../rpc-client.ts';
import { expandNames } from '../unit-names.ts';
import type { Verb } from './verb.ts';

/** A unit's ActiveState; `inactive` when the daemon does not know it (any named RPC error). */
async function activeState(ctx: Context, unit: string): Promise<string> {
  try {
    const r = await ctx.rpc.call('GetUnitProperties', { unit, properties: ['ActiveState'] });
    return r.properties.find(([k]) => k === 'ActiveState')?.[1] ?? 'inactive';
  } catch (err) {
    if (err instanceof RpcError && err.errorName) return 'inactive';
    throw err;
  }
}

/** Prints the states (unless -q); `success` when any unit's state is in `good`. */
export async function checkStates(ctx: Context, names: readonly string[], good: readonly string[], fail: number): Promise<number> {
  let found = false;
  for (const unit of await expandNames(ctx, names)) {
    const state = await activeState(ctx, unit);
    if (!ctx.options.quiet) ctx.io.out(state);
    if (good.includes(state)) found = true;
  }
  return found ? EXIT.success : fail;
}

const isActive: Verb = { minArgs: 1, run: (ctx, args) => checkStates(ctx, args, ['active', 'reloading'], EXIT.notImplemented) };
export default isActive;
