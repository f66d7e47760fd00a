// The socket state machine on its own (05 §A.3–A.5, socket.c): every state × start/stop, the
// control-command phases and their timeouts, activation decisions and following the service.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { socketType, type SocketRuntime } from '../../../../src/engine/unit-types/socket.ts';
import { SOCKET_STATE_NAMES, type SocketState } from '../../../../src/engine/unit-types/socket-states.ts';
import type { PeerView } from '../../../../src/engine/unit-types/index.ts';
import { UnitHarness } from '../../../fixtures/fake-unit-context.ts';
import { socketUnit, type SocketOverrides } from '../../../fixtures/service-config.ts';

const SEC = 1_000_000;

function harness(o: SocketOverrides = {}, service: Partial<PeerView> = {}): UnitHarness<SocketRuntime> {
  const h = new UnitHarness(socketType, socketUnit(o));
  h.ctx.peers.set('test.service', { id: 'test.service', loaded: true, type: 'service', activeState: 'inactive', subState: 'dead', jobType: null, startLimitHit: false, ...service });
  return h;
}

const listening = (o: SocketOverrides = {}): UnitHarness<SocketRuntime> => {
  const h = harness(o);
  assert.equal(h.start(), 'started');
  h.finishControls();
  assert.equal(h.sub, 'listening');
  return h;
};

const trigger = (h: UnitHarness<SocketRuntime>, error: string | null = null): void =>
  socketType.socketTriggered!(h.ctx, h.unit, h.r, h.r.fds[0] ?? -1, error);

const follow = (h: UnitHarness<SocketRuntime>, service: Partial<PeerView>): void => {
  h.ctx.peers.set('test.service', { ...h.ctx.peers.get('test.service')!, ...service });
  socketType.triggerNotify!(h.ctx, h.unit, h.r, triggered('test.service'));
};

const triggered = (id: string) => ({ id, isLoaded: true, activeState: 'inactive' as const, inactiveExitMonotonic: 0, inactiveEnterMonotonic: 0 });

// socket_start()/socket_stop() per state; `wait` = the job keeps waiting for a state change.
const START: Record<SocketState, string> = {
  'dead': 'started', 'failed': 'started', 'start-pre': 'started', 'start-chown': 'started', 'start-post': 'started',
  'listening': 'started', 'running': 'started', 'stop-pre': 'again', 'stop-pre-sigterm': 'again', 'stop-pre-sigkill': 'again',
  'stop-post': 'again', 'final-sigterm': 'again', 'final-sigkill': 'again', 'cleaning': 'again',
};
const STOP: Record<SocketState, string> = {
  'dead': 'started', 'failed': 'started', 'start-pre': 'again', 'start-chown': 'again', 'start-post': 'again',
  'listening': 'started', 'running': 'started', 'stop-pre': 'started', 'stop-pre-sigterm': 'started',
  'stop-pre-sigkill': 'started', 'stop-post': 'started', 'final-sigterm': 'started', 'final-sigkill': 'started', 'cleaning': 'started',
};

for (const state of SOCKET_STATE_NAMES) {
  test(`in ${state}: start answers ${START[state]}, stop answers ${STOP[state]}`, () => {
    const a = harness();
    a.r.state = state;
    assert.equal(a.start(), START[state]);
    const b = harness();
    b.r.state = state;
    assert.equal(b.stop(), STOP[state]);
    if (state === 'listening' || state === 'running') assert.equal(b.sub, 'dead', 'nothing to run or kill: straight to dead');
    if (state.startsWith('start-')) assert.equal(b.sub, 'dead', 'a start in progress is killed off (stop-pre-sigterm…)');
  });
}

test('start with every control list: start-pre → (fds open) start-post → listening; stop: stop-pre → (fds closed) stop-post → dead', () => {
  const h = harness({ execStartPre: ['/bin/pre'], execStartPost: ['/bin/post'], execStopPre: ['/bin/stoppre'], execStopPost: ['/bin/stoppost'] });
  h.start();
  assert.equal(h.sub, 'start-pre');
  assert.equal(h.r.fds.length, 0);
  assert.ok(h.ctx.timers.has('state'));
  h.exit('/bin/pre');
  assert.equal(h.sub, 'start-post');
  assert.deepEqual(h.r.fds, [100]);
  h.exit('/bin/post');
  assert.equal(h.sub, 'listening');
  assert.equal(h.ctx.timers.has('state'), false);
  assert.deepEqual(h.ctx.sockets.watched.get('test.socket'), [100]);
  h.stop();
  assert.equal(h.sub, 'stop-pre');
  assert.deepEqual(h.r.fds, [100], 'fds stay open during ExecStopPre=');
  assert.equal(h.ctx.sockets.watched.has('test.socket'), false);
  h.exit('/bin/stoppre');
  assert.equal(h.sub, 'stop-post');
  assert.deepEqual(h.ctx.sockets.closed, [100]);
  h.exit('/bin/stoppost');
  assert.equal(h.sub, 'dead');
  assert.deepEqual(h.trail, ['start-pre', 'start-post', 'listening', 'stop-pre', 'stop-post', 'dead']);
});

test('ExecStartPre= timeout: "Starting timed out. Terminating." → final-sigterm → failed (timeout)', () => {
  const h = harness({ execStartPre: ['/bin/hang'], timeoutUsec: 5 * SEC });
  h.start();
  h.started('/bin/hang');
  h.fire('state');
  assert.equal(h.sub, 'final-sigterm');
  assert.ok(h.logMessages.includes('Starting timed out. Terminating.'));
  assert.deepEqual(h.ctx.signals.at(-2), { execIds: [1], signal: 15, wholeUnit: true });
  h.exit('/bin/hang', 'killed', 15);
  assert.equal(h.sub, 'failed');
  assert.equal(h.r.result, 'timeout');
});

test('ExecStopPre= that ignores SIGTERM: stop-pre-sigterm, stop-pre-sigkill, then stop-post (result timeout)', () => {
  const h = listening({ execStopPre: ['/bin/stubborn'], timeoutUsec: 2 * SEC });
  h.stop();
  h.fire('state');
  assert.equal(h.sub, 'stop-pre-sigterm');
  h.fire('state');
  assert.equal(h.sub, 'stop-pre-sigkill');
  assert.equal(h.ctx.signals.at(-1)!.signal, 9);
  h.exit('/bin/stubborn', 'killed', 9);
  assert.equal(h.sub, 'failed');
  assert.equal(h.r.result, 'timeout');
});

test('a failing ExecStartPost= stops the socket (exit-code); a failing "-" command does not count', () => {
  const h = harness({ execStartPost: ['/bin/post'] });
  h.start();
  h.exit('/bin/post', 'exited', 1);
  assert.equal(h.sub, 'failed');
  assert.equal(h.r.result, 'exit-code');
  assert.deepEqual(h.ctx.sockets.closed, [100]);
  const ok = harness({ execStartPost: ['-/bin/post'] });
  ok.start();
  ok.exit('-/bin/post', 'exited', 1);
  assert.equal(ok.sub, 'listening');
});

test('traffic: start of the service, state running; nothing enqueued when the service is already on its way', () => {
  const h = listening();
  trigger(h);
  assert.deepEqual(h.ctx.triggered, ['test.service']);
  assert.equal(h.sub, 'running');
  const busy = listening();
  busy.ctx.peers.set('test.service', { ...busy.ctx.peers.get('test.service')!, activeState: 'activating', subState: 'start' });
  trigger(busy);
  assert.deepEqual(busy.ctx.triggered, []);
  assert.equal(busy.sub, 'running');
});

test('traffic while a stop job is queued for the socket is flushed, and the socket keeps listening', () => {
  const h = listening();
  h.ctx.job = 'stop';
  trigger(h);
  assert.deepEqual(h.ctx.triggered, []);
  assert.equal(h.sub, 'listening');
  assert.ok(h.ctx.sockets.watched.has('test.socket'), 'watched again');
});

test('traffic that cannot be queued stops the socket with resources', () => {
  const h = listening();
  h.ctx.enqueueError = 'Unit test.service not found.';
  trigger(h);
  assert.equal(h.sub, 'failed');
  assert.equal(h.r.result, 'resources');
  assert.ok(h.logMessages.includes('Failed to queue service startup job (Maybe the service file is missing or not a non-template unit?): Unit test.service not found.'));
});

test('a poll error on a listening fd stops the socket with resources', () => {
  const h = listening();
  trigger(h, 'Got POLLHUP on a listening socket. The service probably invoked shutdown() on it, and should better not do that.');
  assert.equal(h.sub, 'failed');
  assert.equal(h.r.result, 'resources');
});

test('trigger limit: the burst+1st trigger within the interval fails the socket (trigger-limit-hit)', () => {
  const h = listening({ triggerLimitBurst: 2, triggerLimitIntervalUsec: 10 * SEC });
  for (let i = 0; i < 2; i++) {
    trigger(h);
    follow(h, { subState: 'dead' });
    assert.equal(h.sub, 'listening');
  }
  trigger(h);
  assert.equal(h.sub, 'failed');
  assert.equal(h.r.result, 'trigger-limit-hit');
  const later = listening({ triggerLimitBurst: 1, triggerLimitIntervalUsec: 1 * SEC });
  trigger(later);
  follow(later, { subState: 'dead' });
  later.ctx.time += 2 * SEC;
  trigger(later);
  assert.equal(later.sub, 'running', 'a new interval starts a new window');
});

// socket_trigger_notify(): which service sub-state sends a running socket back to listening.
const FOLLOW: Record<string, string> = {
  'dead': 'listening', 'failed': 'listening', 'final-sigterm': 'listening', 'final-sigkill': 'listening', 'auto-restart': 'listening',
  'running': 'running', 'start': 'running', 'stop-sigterm': 'running', 'exited': 'running',
};
for (const [sub, expected] of Object.entries(FOLLOW)) {
  test(`a running socket whose service is ${sub} (no job) ends ${expected}`, () => {
    const h = listening();
    trigger(h);
    follow(h, { subState: sub });
    assert.equal(h.sub, expected);
  });
}

test('a service with a job, or another unit, changes nothing; a start-limit-hit service fails the socket', () => {
  const h = listening();
  trigger(h);
  follow(h, { subState: 'dead', jobType: 'start' });
  assert.equal(h.sub, 'running');
  socketType.triggerNotify!(h.ctx, h.unit, h.r, triggered('other.service'));
  assert.equal(h.sub, 'running');
  follow(h, { subState: 'failed', jobType: null, startLimitHit: true });
  assert.equal(h.sub, 'failed');
  assert.equal(h.r.result, 'service-start-limit-hit');
});

test('start refusals: the service is not loaded, or already active', () => {
  const missing = harness({}, { loaded: false });
  assert.equal(missing.start(), 'error');
  assert.ok(missing.logMessages.includes('Socket service test.service not loaded, refusing.'));
  const active = harness({}, { activeState: 'active', subState: 'running' });
  assert.equal(active.start(), 'error');
  assert.ok(active.logMessages.includes('Socket service test.service already active, refusing.'));
  assert.equal(active.sub, 'dead');
});

test('passed fds: every listener in order, named by FileDescriptorName= or the unit name; none once closed', () => {
  const h = listening({ listen: [{ kind: 'stream', address: '/run/a' }, { kind: 'datagram', address: '/run/b' }] });
  assert.deepEqual(socketType.passedFds!(h.unit, h.r, 'test.service'), { fds: [100, 101], names: ['test.socket', 'test.socket'] });
  h.stop();
  assert.deepEqual(socketType.passedFds!(h.unit, h.r, 'test.service').fds, []);
  const named = listening({ fileDescriptorName: 'web' });
  assert.deepEqual(socketType.passedFds!(named.unit, named.r, 'test.service').names, ['web']);
});

test('show: Listen lines (a bare port is [::]:PORT), counters, FileDescriptorName and TriggerLimit defaults', () => {
  const h = listening({ listen: [{ kind: 'stream', address: '8080' }, { kind: 'seqpacket', address: '/run/s' }, { kind: 'datagram', address: '127.0.0.1:53' }] });
  const listen = socketType.properties(h.unit, h.r).filter(([k]) => k === 'Listen').map(([, v]) => v);
  assert.deepEqual(listen, ['[::]:8080 (Stream)', '/run/s (SequentialPacket)', '127.0.0.1:53 (Datagram)']);
  assert.equal(h.property('FileDescriptorName'), 'test.socket');
  assert.equal(h.property('TriggerLimitIntervalUSec'), '2s');
  assert.equal(h.property('TriggerLimitBurst'), '20');
  assert.equal(h.property('TimeoutUSec'), '1min 30s');
  assert.equal(h.property('SocketMode'), '0666');
  assert.equal(h.property('NAccepted'), '0');
});
