// `--state=help`: every load, active and unit-file state and each unit type's substates, in
// systemd 252's order, under "Available … states:" headings unless --no-legend came first.
// Built on call, so a normal start does not construct it.
export function stateHelpLines(legend: boolean): string[] {
  const groups: readonly (readonly [string, string])[] = [
    ['unit load states', 'stub loaded not-found bad-setting error merged masked'],
    ['unit active states', 'active reloading inactive failed activating deactivating maintenance'],
    ['unit file states', 'enabled enabled-runtime linked linked-runtime alias masked masked-runtime static disabled indirect generated transient bad'],
    ['automount unit substates', 'dead waiting running failed'],
    ['device unit substates', 'dead tentative plugged'],
    ['mount unit substates', 'dead mounting mounting-done mounted remounting unmounting remounting-sigterm remounting-sigkill unmounting-sigterm unmounting-sigkill failed cleaning'],
    ['path unit substates', 'dead waiting running failed'],
    ['scope unit substates', 'dead start-chown running abandoned stop-sigterm stop-sigkill failed'],
    ['service unit substates', 'dead condition start-pre start start-post running exited reload stop stop-watchdog stop-sigterm stop-sigkill stop-post final-watchdog final-sigterm final-sigkill failed auto-restart cleaning'],
    ['slice unit substates', 'dead active'],
    ['socket unit substates', 'dead start-pre start-chown start-post listening running stop-pre stop-pre-sigterm stop-pre-sigkill stop-post final-sigterm final-sigkill failed cleaning'],
    ['swap unit substates', 'dead activating activating-done active deactivating deactivating-sigterm deactivating-sigkill failed cleaning'],
    ['target unit substates', 'dead active'],
    ['timer unit substates', 'dead waiting running elapsed failed'],
  ];
  return groups.flatMap(([what, states], i) => [
    ...(legend ? [...(i > 0 ? [''] : []), `Available ${what}:`] : []),
    ...states.split(' '),
  ]);
}
