// Socket activation stories (05 Part A) in virtual time: the real Manager with the scripted
// socket driver. Traffic is a `connect`; a service that takes its connections runs `drain`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Sim } from './harness.ts';
import { jobOf, svc, U } from './story.ts';

const sock = (body: string, unit = ''): string => `[Unit]\n${unit}\n[Socket]\n${body}\n`;
const P = '/run/echo.sock';

function echoSim(service: string, socket = `ListenStream=${P}`, extra: Record<string, string> = {}): Sim {
  return new Sim({ files: { [`${U}/echo.socket`]: sock(socket), [`${U}/echo.service`]: svc(service), ...extra } });
}

const logs = (sim: Sim, unit: string): string[] =>
  sim.events.flatMap((e) => (e.kind === 'Log' && e.unit === unit ? [e.message] : []));

test('Accept=no: traffic starts the service with the fds; the socket runs while it does and listens after', () => {
  const sim = echoSim('ExecStart=/sim/run drain sleep=1 exit=0');
  const start = jobOf(sim.enqueue('echo.socket', 'start'));
  sim.runFor(0.1);
  assert.equal(sim.jobResult(start), 'done');
  assert.equal(sim.state('echo.socket'), 'active/listening/success');
  assert.deepEqual(sim.sockets.watched.get('echo.socket'), [100]);
  assert.ok(logs(sim, 'echo.socket').includes('Listening on echo.socket.'));

  assert.ok(sim.connect(P));
  sim.runFor(0.5);
  assert.equal(sim.state('echo.socket'), 'active/running/success');
  assert.equal(sim.state('echo.service'), 'active/running/success');
  assert.equal(sim.sockets.watched.has('echo.socket'), false, 'a running socket is not watched');
  const main = sim.spawned.find((r) => r.unit === 'echo.service' && r.role === 'main')!;
  assert.deepEqual(main.fds, [100]);
  assert.equal(main.env['LISTEN_FDS'], '1');
  assert.equal(main.env['LISTEN_FDNAMES'], 'echo.socket');
  assert.equal(main.env['LISTEN_PID'], undefined, 'LISTEN_PID is the child\'s own pid, set by the driver');
  assert.deepEqual(main.ownPidEnv, ['LISTEN_PID']);
  const job = sim.events.find((e) => e.kind === 'JobNew' && e.job.unit === 'echo.service');
  assert.ok(job?.kind === 'JobNew' && job.job.origin.kind === 'internal' && job.job.origin.reason.includes('echo.socket'));

  sim.runFor(2);
  assert.equal(sim.state('echo.service'), 'inactive/dead/success');
  assert.equal(sim.state('echo.socket'), 'active/listening/success');
  assert.deepEqual(sim.sockets.watched.get('echo.socket'), [100]);

  sim.connect(P);
  sim.runFor(0.5);
  assert.equal(sim.state('echo.service'), 'active/running/success', 'later traffic activates it again');
});

test('stopping the socket closes its fds and leaves the activated service running', () => {
  const sim = echoSim('ExecStart=/sim/run drain', `ListenStream=${P}\nRemoveOnStop=yes\nSymlinks=/run/alias.sock`);
  sim.enqueue('echo.socket', 'start');
  sim.runFor(0.1);
  sim.connect(P);
  sim.runFor(0.5);
  const stop = jobOf(sim.enqueue('echo.socket', 'stop'));
  sim.runFor(0.5);
  assert.equal(sim.jobResult(stop), 'done');
  assert.equal(sim.state('echo.socket'), 'inactive/dead/success');
  assert.equal(sim.state('echo.service'), 'active/running/success');
  assert.deepEqual(sim.sockets.closed, [100]);
  assert.deepEqual(sim.sockets.removed, [P, '/run/alias.sock']);
  assert.ok(logs(sim, 'echo.socket').includes('Closed echo.socket.'));
});

test('a service started without its socket gets no fds; with the socket listening it gets them', () => {
  const sim = echoSim('ExecStart=/sim/run');
  sim.enqueue('echo.service', 'start');
  sim.runFor(0.5);
  const first = sim.spawned.find((r) => r.unit === 'echo.service')!;
  assert.deepEqual(first.fds, []);
  assert.equal(first.env['LISTEN_FDS'], undefined);
  sim.enqueue('echo.service', 'stop');
  sim.runFor(1);
  sim.enqueue('echo.socket', 'start');
  sim.runFor(0.1);
  sim.enqueue('echo.service', 'start');
  sim.runFor(0.5);
  assert.equal(sim.state('echo.socket'), 'active/running/success', 'the socket follows its running service');
  assert.deepEqual(sim.spawned.filter((r) => r.unit === 'echo.service').at(-1)!.fds, [100]);
});

test('several listeners: fds in Listen order, each named by FileDescriptorName=', () => {
  const sim = echoSim('ExecStart=/sim/run drain', `ListenStream=${P}\nListenDatagram=/run/dg.sock\nListenStream=8080\nFileDescriptorName=web`);
  sim.enqueue('echo.socket', 'start');
  sim.runFor(0.1);
  sim.connect('/run/dg.sock');
  sim.runFor(0.5);
  const main = sim.spawned.find((r) => r.unit === 'echo.service')!;
  assert.deepEqual(main.fds, [100, 101, 102]);
  assert.equal(main.env['LISTEN_FDS'], '3');
  assert.equal(main.env['LISTEN_FDNAMES'], 'web:web:web');
  assert.deepEqual(sim.prop('echo.socket', 'Listen'), '/run/echo.sock (Stream)');
});

test('a start job from traffic replaces a waiting stop job of the service, whose client learns why', () => {
  const sim = echoSim('ExecStart=/sim/run drain', `ListenStream=${P}`, {
    [`${U}/echo.service`]: svc('ExecStart=/sim/run drain', 'Before=blocker.service'),
    [`${U}/blocker.service`]: svc('ExecStart=/sim/run term=ignore\nTimeoutStopSec=5'),
  });
  sim.enqueue('blocker.service', 'start');
  sim.enqueue('echo.socket', 'start');
  sim.runFor(0.5);
  jobOf(sim.enqueue('blocker.service', 'stop'));
  const stop = jobOf(sim.enqueue('echo.service', 'stop'));
  sim.runFor(0.5);
  assert.equal(sim.jobResult(stop), undefined, 'the stop waits for blocker.service to stop first');
  sim.connect(P);
  sim.runFor(0.1);
  const removed = sim.events.find((e) => e.kind === 'JobRemoved' && e.job.id === stop);
  assert.ok(removed?.kind === 'JobRemoved');
  assert.equal(removed.result, 'canceled');
  assert.equal(removed.cause.kind, 'replaced');
  assert.match(removed.cause.text, /^replaced by start job \d+ for echo\.service \(socket activation: traffic on echo\.socket\)$/);
  sim.runFor(10);
  assert.equal(sim.state('echo.service'), 'active/running/success');
  assert.equal(sim.state('echo.socket'), 'active/running/success');
});

test('traffic nobody takes re-triggers until the trigger limit stops the socket (trigger-limit-hit)', () => {
  const sim = echoSim('ExecStart=/sim/run exit=0.1\n[Unit]\nStartLimitBurst=100', `ListenStream=${P}\nTriggerLimitBurst=3\nTriggerLimitIntervalSec=10s`);
  sim.enqueue('echo.socket', 'start');
  sim.runFor(0.1);
  sim.connect(P);
  sim.runFor(5);
  assert.equal(sim.state('echo.socket'), 'failed/failed/trigger-limit-hit');
  assert.equal(sim.spawned.filter((r) => r.unit === 'echo.service').length, 3);
  assert.ok(logs(sim, 'echo.socket').includes('Trigger limit hit, refusing further activation.'));
  assert.deepEqual(sim.sockets.closed, [100]);
});

// As systemd 252 does (checked against it): five runs, then the service's start limit.
test('the service hitting its start limit fails the socket with service-start-limit-hit', () => {
  const sim = echoSim('ExecStart=/sim/run exit=0.1');
  sim.enqueue('echo.socket', 'start');
  sim.runFor(0.1);
  sim.connect(P);
  sim.runFor(5);
  assert.equal(sim.state('echo.service'), 'failed/failed/start-limit-hit');
  assert.equal(sim.state('echo.socket'), 'failed/failed/service-start-limit-hit');
  assert.equal(sim.spawned.filter((r) => r.unit === 'echo.service').length, 5);
  sim.manager.resetFailed(null);
  sim.enqueue('echo.socket', 'start');
  sim.runFor(0.1);
  assert.equal(sim.state('echo.socket'), 'active/listening/success', 'the pending connection went with the closed fds');
});

test('start refusals: service not loaded, service already active, listener cannot be opened', () => {
  const missing = new Sim({ files: { [`${U}/lone.socket`]: sock(`ListenStream=${P}`) } });
  const j1 = jobOf(missing.enqueue('lone.socket', 'start'));
  missing.runFor(0.1);
  assert.equal(missing.jobResult(j1), 'failed');
  assert.ok(logs(missing, 'lone.socket').includes('Socket service lone.service not loaded, refusing.'));

  const busy = echoSim('ExecStart=/sim/run');
  busy.enqueue('echo.service', 'start');
  busy.runFor(0.2);
  const j2 = jobOf(busy.enqueue('echo.socket', 'start'));
  busy.runFor(0.1);
  assert.equal(busy.jobResult(j2), 'failed');
  assert.equal(busy.state('echo.socket'), 'inactive/dead/success');

  const taken = echoSim('ExecStart=/sim/run');
  taken.sockets.failing.set(P, 'Address already in use');
  const j3 = jobOf(taken.enqueue('echo.socket', 'start'));
  taken.runFor(0.1);
  assert.equal(taken.jobResult(j3), 'failed');
  assert.equal(taken.state('echo.socket'), 'failed/failed/resources');
  assert.ok(logs(taken, 'echo.socket').includes('Failed to listen on sockets: Address already in use'));
  assert.ok(logs(taken, 'echo.socket').includes('Failed to listen on echo.socket.'));
});

test('ExecStartPre/ExecStartPost run before listening, ExecStopPre/ExecStopPost around closing', () => {
  const sim = echoSim('ExecStart=/sim/run', `ListenStream=${P}\nExecStartPre=/sim/run exit=0.2\nExecStartPost=/sim/run exit=0.2\nExecStopPre=/sim/run exit=0.2\nExecStopPost=/sim/run exit=0.2`);
  sim.enqueue('echo.socket', 'start');
  sim.runFor(0.1);
  assert.equal(sim.state('echo.socket'), 'activating/start-pre/success');
  assert.equal(sim.sockets.listeners.size, 0, 'fds are opened after ExecStartPre=');
  sim.runFor(0.2);
  assert.equal(sim.state('echo.socket'), 'activating/start-post/success');
  assert.equal(sim.sockets.listeners.size, 1);
  sim.runFor(0.3);
  assert.equal(sim.state('echo.socket'), 'active/listening/success');
  sim.enqueue('echo.socket', 'stop');
  sim.runFor(0.1);
  assert.equal(sim.state('echo.socket'), 'deactivating/stop-pre/success');
  assert.equal(sim.sockets.listeners.size, 1, 'fds stay open during ExecStopPre=');
  sim.runFor(0.2);
  assert.equal(sim.state('echo.socket'), 'deactivating/stop-post/success');
  assert.equal(sim.sockets.listeners.size, 0);
  sim.runFor(0.3);
  assert.equal(sim.state('echo.socket'), 'inactive/dead/success');
});

test('a failing ExecStartPre= fails the start without opening anything (exit-code)', () => {
  const sim = echoSim('ExecStart=/sim/run', `ListenStream=${P}\nExecStartPre=/sim/run status=1 exit=0`);
  const job = jobOf(sim.enqueue('echo.socket', 'start'));
  sim.runFor(0.5);
  assert.equal(sim.jobResult(job), 'failed');
  assert.equal(sim.state('echo.socket'), 'failed/failed/exit-code');
  assert.equal(sim.sockets.log.filter((l) => l.startsWith('open')).length, 0);
});

test('Accept=yes: one template instance per connection with the connection fd; the socket keeps listening', () => {
  const sim = new Sim({ files: {
    [`${U}/echo.socket`]: sock(`ListenStream=${P}\nAccept=yes`),
    [`${U}/echo@.service`]: svc('ExecStart=/sim/run exit=1'),
  } });
  sim.enqueue('echo.socket', 'start');
  sim.runFor(0.1);
  sim.connect(P);
  sim.connect(P);
  sim.runFor(0.5);
  assert.equal(sim.state('echo.socket'), 'active/listening/success');
  const instances = sim.spawned.filter((r) => r.unit.startsWith('echo@'));
  assert.deepEqual(instances.map((r) => r.unit), ['echo@0-4101-0.service', 'echo@1-4102-0.service']);
  assert.deepEqual(instances.map((r) => r.fds), [[101], [102]]);
  assert.equal(instances[0]!.env['LISTEN_FDNAMES'], 'connection');
  assert.equal(sim.prop('echo.socket', 'NAccepted'), '2');
  assert.equal(sim.prop('echo.socket', 'NConnections'), '2');
  assert.equal(sim.prop('echo@0-4101-0.service', 'TriggeredBy'), 'echo.socket');
  sim.runFor(2);
  assert.equal(sim.prop('echo.socket', 'NConnections'), '0', 'ended instances release their connection');
  assert.deepEqual(sim.sockets.closed, [101, 102]);
  assert.deepEqual(sim.manager.listUnits({ all: true }).map((u) => u.id).filter((id) => id.startsWith('echo@')), [], 'and are unloaded');
  assert.equal(sim.prop('echo.socket', 'Triggers'), '');
});

test('Sockets= on a service: it gets the fds of that socket too (Wants=, After=, TriggeredBy=)', () => {
  const sim = echoSim('ExecStart=/sim/run drain\nSockets=extra.socket', `ListenStream=${P}`, {
    [`${U}/extra.socket`]: sock('ListenStream=/run/extra.sock\nService=echo.service'),
  });
  sim.enqueue('echo.socket', 'start');
  sim.runFor(0.1);
  assert.equal(sim.prop('echo.service', 'TriggeredBy'), 'echo.socket extra.socket');
  assert.equal(sim.state('extra.socket'), 'inactive/dead/success');
  sim.connect(P);
  sim.runFor(0.5);
  assert.equal(sim.state('extra.socket'), 'active/running/success', 'Wants= started it before the service (After=)');
  const main = sim.spawned.find((r) => r.unit === 'echo.service')!;
  assert.deepEqual([...main.fds].sort(), [100, 101]);
  assert.equal(main.env['LISTEN_FDNAMES']!.split(':').sort().join(':'), 'echo.socket:extra.socket');
});

test('Accept=yes with StandardInput=socket: the connection is stdin/stdout, without LISTEN_FDS', () => {
  const sim = new Sim({ files: {
    [`${U}/echo.socket`]: sock(`ListenStream=${P}\nAccept=yes`),
    [`${U}/echo@.service`]: svc('ExecStart=/sim/run exit=1\nStandardInput=socket'),
    [`${U}/plain.service`]: svc('ExecStart=/sim/run exit=1\nStandardInput=socket'),
  } });
  sim.enqueue('echo.socket', 'start');
  sim.runFor(0.1);
  sim.connect(P);
  sim.runFor(0.5);
  const main = sim.spawned.find((r) => r.unit.startsWith('echo@'))!;
  assert.deepEqual([main.stdin, main.stdout, main.stderr, main.fds], ['socket', 'inherit', 'inherit', [101]]);
  assert.equal(main.env['LISTEN_FDS'], undefined);
  const job = jobOf(sim.enqueue('plain.service', 'start'));
  sim.runFor(0.5);
  assert.equal(sim.jobResult(job), 'failed', 'no socket to take: "Got no socket."');
  assert.equal(sim.state('plain.service'), 'failed/failed/resources');
});

test('Accept=yes: a daemon-reload keeps the link to running instances, so their end is still seen', () => {
  const sim = new Sim({ files: {
    [`${U}/echo.socket`]: sock(`ListenStream=${P}\nAccept=yes`),
    [`${U}/echo@.service`]: svc('ExecStart=/sim/run exit=2'),
  } });
  sim.enqueue('echo.socket', 'start');
  sim.runFor(0.1);
  sim.connect(P);
  sim.runFor(0.5);
  sim.manager.reload();
  assert.equal(sim.prop('echo.socket', 'Triggers'), 'echo@0-4101-0.service');
  sim.runFor(3);
  assert.equal(sim.prop('echo.socket', 'NConnections'), '0');
  assert.deepEqual(sim.sockets.closed, [101]);
});

test('Accept=yes with MaxConnections=1: a second connection while one runs is dropped and counted', () => {
  const sim = new Sim({ files: {
    [`${U}/echo.socket`]: sock(`ListenStream=${P}\nAccept=yes\nMaxConnections=1`),
    [`${U}/echo@.service`]: svc('ExecStart=/sim/run exit=2'),
  } });
  sim.enqueue('echo.socket', 'start');
  sim.runFor(0.1);
  sim.connect(P);
  sim.runFor(0.5);
  sim.connect(P);
  sim.runFor(0.5);
  assert.equal(sim.prop('echo.socket', 'NAccepted'), '1');
  assert.equal(sim.prop('echo.socket', 'NRefused'), '1');
  assert.ok(logs(sim, 'echo.socket').includes('Too many incoming connections (1), dropping connection.'));
  assert.equal(sim.state('echo.socket'), 'active/listening/success');
});

test('FlushPending=yes: what the service left unread is dropped when the socket listens again', () => {
  const sim = echoSim('ExecStart=/sim/run exit=0.1', `ListenStream=${P}\nFlushPending=yes`);
  sim.enqueue('echo.socket', 'start');
  sim.runFor(0.1);
  sim.connect(P);
  sim.runFor(3);
  assert.equal(sim.spawned.filter((r) => r.unit === 'echo.service').length, 1, 'no second activation');
  assert.equal(sim.state('echo.socket'), 'active/listening/success');
  assert.equal(sim.sockets.pending(P), 0);
});
