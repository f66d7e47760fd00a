// list-dependencies text: systemctl 252's tree (list_dependencies_print): a state bullet, then
// `│ `/`  ` per ancestor level and `├─`/`└─` before the name (ASCII outside UTF-8 locales); `...` marks a cycle; --plain prints
// two spaces and the name only, once per unit.
import type { DependencyNode } from '../engine/api.ts';
import { colorState, glyphFor, type Style } from './terminal.ts';

export interface TreeFormat {
  readonly plain: boolean;
  readonly style: Style;
  /** Width for ellipsizing (systemctl: at least 20; $COLUMNS or 80 when piped); null with -l/--full. */
  readonly columns: number | null;
  /** Not a UTF-8 locale: systemd's ASCII glyphs (`* |-`, `` `- ``, `...`). */
  readonly ascii?: boolean;
}

interface Glyphs { readonly vertical: string; readonly space: string; readonly branch: string; readonly right: string; readonly ellipsis: string }
const UTF8: Glyphs = { vertical: '│ ', space: '  ', branch: '├─', right: '└─', ellipsis: '…' };
// glyph-util.c's ASCII fallbacks; every state bullet is `*` except failed (×) which is `x`.
const ASCII: Glyphs = { vertical: '| ', space: '  ', branch: '|-', right: '`-', ellipsis: '...' };

export function dependencyTreeLines(root: DependencyNode, f: TreeFormat): string[] {
  const g = f.ascii ? ASCII : UTF8;
  const lines = [root.unit];
  const seen = new Set<string>([root.unit]);
  // Explicit stack of (node, level, branch bits of its ancestors): no recursion on deep trees.
  const stack: { node: DependencyNode; level: number; branches: number; last: boolean }[] = [];
  const push = (parent: DependencyNode, level: number, branches: number): void => {
    const kids = parent.children;
    for (let i = kids.length - 1; i >= 0; i--) stack.push({ node: kids[i]!, level, branches, last: i === kids.length - 1 });
  };
  push(root, 0, 0);
  while (stack.length > 0) {
    const { node, level, branches, last } = stack.pop()!;
    if (f.plain) {
      // systemctl --plain keeps every listed unit as visited: a repeat is neither printed nor expanded.
      if (seen.has(node.unit) || node.cycle) continue;
      seen.add(node.unit);
      lines.push(`  ${ellipsize(node.unit, f.columns, 0, g)}`);
    } else if (node.cycle) {
      lines.push(`  ${prefix(g, level + 1, (branches << 1) | (last ? 0 : 1), true)}...`);
    } else {
      const glyph = f.ascii ? (node.activeState === 'failed' ? 'x' : '*') : glyphFor(node.activeState);
      const bullet = colorState(f.style, node.activeState, glyph);
      lines.push(`${bullet} ${prefix(g, level, branches, last)}${ellipsize(node.unit, f.columns, 2 * (level + 1), g)}`);
    }
    if (!node.cycle && node.children.length > 0) push(node, level + 1, (branches << 1) | (last ? 0 : 1));
  }
  return lines;
}

function prefix(g: Glyphs, level: number, branches: number, last: boolean): string {
  let s = '';
  for (let i = level - 1; i >= 0; i--) s += branches & (1 << i) ? g.vertical : g.space;
  return s + (last ? g.right : g.branch);
}

/**
 * list_dependencies_print(): the name gets the width minus the tree drawn before it (the bullet
 * and its space are not counted, so lines run 2 columns past the width), ellipsis included.
 */
function ellipsize(name: string, columns: number | null, used: number, g: Glyphs): string {
  if (columns === null) return name;
  const room = Math.max(columns, 20) - used;
  return name.length <= room ? name : `${name.slice(0, Math.max(1, room - g.ellipsis.length))}${g.ellipsis}`;
}
