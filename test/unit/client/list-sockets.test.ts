// list-sockets: rows per listener sorted by address, ACTIVATES joined with ", ", the legend.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { socketTable } from '../../../src/client/verbs/list-sockets.ts';

const rows = [
  { listen: '/run/a.sock', type: 'Stream', unit: 'a.socket', activates: 'a.service' },
  { listen: '[::]:8080', type: 'Stream', unit: 'web.socket', activates: 'web.service, extra.service' },
];

test('columns padded to the widest cell, the legend counts rows and hints at --all', () => {
  assert.deepEqual(socketTable(rows, { legend: true, all: false, showTypes: false }), [
    'LISTEN      UNIT       ACTIVATES',
    '/run/a.sock a.socket   a.service',
    '[::]:8080   web.socket web.service, extra.service',
    '',
    '2 sockets listed.',
    'Pass --all to see loaded but inactive sockets, too.',
  ]);
  assert.deepEqual(socketTable(rows, { legend: false, all: true, showTypes: true }), [
    '/run/a.sock Stream a.socket   a.service',
    '[::]:8080   Stream web.socket web.service, extra.service',
  ]);
  assert.deepEqual(socketTable([], { legend: true, all: true, showTypes: false }), ['LISTEN UNIT ACTIVATES', '', '0 sockets listed.']);
});
