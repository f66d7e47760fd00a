// list-dependencies text: systemctl 252's tree (list_dependencies_print): a state bullet, then
// `│ `/`  ` per ancestor level and `├─`/`└─` before the name; `...` marks a cycle; --plain prints
// two spaces and the name only, once per unit.
import type { DependencyNode } from '../engine/api.ts';
import { colorState, glyphFor, type Style } from './terminal.ts';

export interface TreeFormat {
  readonly plain: boolean;
  readonly style: Style;
  /** Width for ellipsizing (systemctl: at least 20; $COLUMNS or 80 when piped); null with -l/--full. */
  readonly columns: number | null;
}

export function dependencyTreeLines(root: DependencyNode, f: TreeFormat): string[] {
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
      lines.push(`  ${node.unit}`);
    } else if (node.cycle) {
      lines.push(`  ${prefix(level + 1, (branches << 1) | (last ? 0 : 1), true)}...`);
    } else {
      const bullet = colorState(f.style, node.activeState, glyphFor(node.activeState));
      lines.push(`${bullet} ${prefix(level, branches, last)}${ellipsize(node.unit, f.columns, 2 * (level + 1) + 2)}`);
    }
    if (!node.cycle && node.children.length > 0) push(node, level + 1, (branches << 1) | (last ? 0 : 1));
  }
  return lines;
}

function prefix(level: number, branches: number, last: boolean): string {
  let s = '';
  for (let i = level - 1; i >= 0; i--) s += branches & (1 << i) ? '│ ' : '  ';
  return s + (last ? '└─' : '├─');
}

function ellipsize(name: string, columns: number | null, used: number): string {
  if (columns === null) return name;
  const room = Math.max(columns, 20) - used;
  return name.length <= room ? name : `${name.slice(0, Math.max(1, room - 1))}…`;
}
