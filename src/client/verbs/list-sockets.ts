// `list-sockets [PATTERN…]`: one row per listener of each socket unit, sorted by address
// (systemctl's socket_info_compare), with the units it activates. Inactive sockets need --all.
import { EXIT } from '../exit-codes.ts';
import { matchesAny } from '../unit-names.ts';
import type { Verb } from './verb.ts';

interface Row { readonly listen: string; readonly type: string; readonly unit: string; readonly activates: string }

/** Columns padded to the widest cell, the last one not (systemd's table). */
export function socketTable(rows: readonly Row[], o: { legend: boolean; all: boolean; showTypes: boolean }): string[] {
  const cols = o.showTypes ? ['LISTEN', 'TYPE', 'UNIT', 'ACTIVATES'] : ['LISTEN', 'UNIT', 'ACTIVATES'];
  const cells = rows.map((r) => (o.showTypes ? [r.listen, r.type, r.unit, r.activates] : [r.listen, r.unit, r.activates]));
  const widths = cols.map((c, i) => Math.max(c.length, ...cells.map((row) => row[i]!.length)));
  const line = (row: readonly string[]): string => row.map((c, i) => (i === row.length - 1 ? c : c.padEnd(widths[i]!))).join(' ').trimEnd();
  const out = o.legend ? [line(cols)] : [];
  out.push(...cells.map(line));
  if (o.legend) {
    out.push('', `${rows.length} sockets listed.`);
    if (!o.all) out.push('Pass --all to see loaded but inactive sockets, too.');
  }
  return out;
}

const listSockets: Verb = {
  minArgs: 0,
  pager: true,
  async run(ctx, args) {
    const o = ctx.options;
    const { units } = await ctx.rpc.call('ListUnits', { all: o.all });
    const rows: Row[] = [];
    for (const u of units) {
      if (!u.id.endsWith('.socket') || !matchesAny(args, u.id) || (!o.all && u.activeState === 'inactive' && u.job === null)) continue;
      const { properties } = await ctx.rpc.call('GetUnitProperties', { unit: u.id, properties: ['Listen', 'Triggers'] });
      const activates = properties.find(([k]) => k === 'Triggers')?.[1].split(' ').filter(Boolean).join(', ') ?? '';
      for (const [k, v] of properties) {
        if (k !== 'Listen') continue;
        const m = /^(.*) \((\w+)\)$/.exec(v);
        rows.push({ listen: m?.[1] ?? v, type: m?.[2] ?? '', unit: u.id, activates });
      }
    }
    rows.sort((a, b) => (a.listen < b.listen ? -1 : a.listen > b.listen ? 1 : a.type < b.type ? -1 : a.type > b.type ? 1 : 0));
    for (const line of socketTable(rows, { legend: !o.noLegend, all: o.all, showTypes: o.showTypes })) ctx.io.out(line);
    return EXIT.success;
  },
};
export default listSockets;
