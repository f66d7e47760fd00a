// What `show` and `status` print for a socket (dbus-socket.c property order, 05 §A.1), values
// formatted as systemctl prints them; show leaves out the empty ones unless --all.
import { formatTimespan } from '../time.ts';
import type { ExecCommand, SocketConfig, SocketListen } from '../unit-file/config.ts';
import type { UnitTypeStatus, UnitView } from './index.ts';
import { formatExitStatus } from './service-exit.ts';
import { commandTail, execContextProperties, execFlags } from './service-properties.ts';
import { SOCKET_EXEC_LISTS, type SocketExecList, type SocketRuntime } from './socket-enter.ts';

const yesNo = (b: boolean): string => (b ? 'yes' : 'no');
const mode = (m: number): string => m.toString(8).padStart(4, '0');

const LISTEN_TYPE: Readonly<Record<SocketListen['kind'], string>> = {
  stream: 'Stream', datagram: 'Datagram', seqpacket: 'SequentialPacket', fifo: 'FIFO',
};

/** A bare port listens on the IPv6 any-address (dual-stack), as socket_address_print shows it. */
export const formatAddress = (a: string): string => (/^\d+$/.test(a) ? `[::]:${a}` : a);

/** `Listen=` values: "ADDRESS (Type)". */
export const listenLines = (cfg: SocketConfig): string[] => cfg.listen.map((l) => `${formatAddress(l.address)} (${LISTEN_TYPE[l.kind]})`);

const EXEC_PROPERTY: Readonly<Record<SocketExecList, string>> = {
  execStartPre: 'ExecStartPre', execStartPost: 'ExecStartPost', execStopPre: 'ExecStopPre', execStopPost: 'ExecStopPost',
};

function execProperties(cfg: SocketConfig, r: SocketRuntime, list: SocketExecList): [string, string][] {
  const name = EXEC_PROPERTY[list];
  const commands: readonly ExecCommand[] = cfg[list];
  const tail = (i: number): string => commandTail(r.execs.get(`${list}:${i}`));
  return [
    ...commands.map((c, i): [string, string] => [name, `{ path=${c.path} ; argv[]=${c.argv.join(' ')} ; ignore_errors=${yesNo(c.ignoreFailure)} ; ${tail(i)} }`]),
    ...commands.map((c, i): [string, string] => [`${name}Ex`, `{ path=${c.path} ; argv[]=${c.argv.join(' ')} ; flags=${execFlags(c)} ; ${tail(i)} }`]),
  ];
}

export function socketProperties(unit: UnitView, cfg: SocketConfig, r: SocketRuntime): [string, string][] {
  const k = cfg.kill;
  return [
    ['BindIPv6Only', cfg.bindIPv6Only], ['Backlog', String(cfg.backlog)], ['TimeoutUSec', formatTimespan(cfg.timeoutUsec)],
    ['BindToDevice', ''], ['SocketUser', cfg.socketUser ?? ''], ['SocketGroup', cfg.socketGroup ?? ''],
    ['SocketMode', mode(cfg.socketMode)], ['DirectoryMode', mode(cfg.directoryMode)], ['Accept', yesNo(cfg.accept)],
    ['FlushPending', yesNo(cfg.flushPending)], ['Writable', 'no'], ['KeepAlive', 'no'], ['KeepAliveTimeUSec', '0'],
    ['KeepAliveIntervalUSec', '0'], ['KeepAliveProbes', '0'], ['DeferAcceptUSec', '0'], ['NoDelay', 'no'],
    ['Priority', '-1'], ['ReceiveBuffer', '0'], ['SendBuffer', '0'], ['IPTOS', '-1'], ['IPTTL', '-1'], ['PipeSize', '0'],
    ['FreeBind', 'no'], ['Transparent', 'no'], ['Broadcast', 'no'], ['PassCredentials', 'no'], ['PassSecurity', 'no'],
    ['PassPacketInfo', 'no'], ['Timestamping', 'off'], ['RemoveOnStop', yesNo(cfg.removeOnStop)],
    ...listenLines(cfg).map((l): [string, string] => ['Listen', l]),
    ['Symlinks', cfg.symlinks.join(' ')], ['Mark', '-1'], ['MaxConnections', String(cfg.maxConnections)],
    ['MaxConnectionsPerSource', '0'], ['MessageQueueMaxMessages', '0'], ['MessageQueueMessageSize', '0'],
    ['TCPCongestion', ''], ['ReusePort', yesNo(cfg.reusePort)], ['ControlPID', String(r.controlPid)], ['Result', r.result],
    ['NConnections', String(r.nConnections)], ['NAccepted', String(r.nAccepted)], ['NRefused', String(r.nRefused)],
    ['FileDescriptorName', cfg.fileDescriptorName ?? (cfg.accept ? 'connection' : unit.id)], ['SocketProtocol', '0'],
    ['TriggerLimitIntervalUSec', formatTimespan(cfg.triggerLimitIntervalUsec)], ['TriggerLimitBurst', String(cfg.triggerLimitBurst)],
    ['UID', '[not set]'], ['GID', '[not set]'],
    ...SOCKET_EXEC_LISTS.flatMap((list) => execProperties(cfg, r, list)),
    ...execContextProperties(cfg.exec),
    ['KillMode', k.killMode], ['KillSignal', String(k.killSignal)], ['RestartKillSignal', String(k.restartKillSignal)],
    ['FinalKillSignal', String(k.finalKillSignal)], ['SendSIGKILL', yesNo(k.sendSIGKILL)], ['SendSIGHUP', yesNo(k.sendSIGHUP)],
    ['WatchdogSignal', String(k.watchdogSignal)],
  ];
}

/** status: control process lines ("Process: 12 ExecStartPre=… (code=exited, status=0/SUCCESS)"). */
export function socketStatus(cfg: SocketConfig, r: SocketRuntime): UnitTypeStatus {
  const execLines: string[] = [];
  for (const list of SOCKET_EXEC_LISTS) {
    cfg[list].forEach((command, i) => {
      const rec = r.execs.get(`${list}:${i}`);
      if (!rec?.code || rec.pid === 0) return;
      execLines.push(`Process: ${rec.pid} ${EXEC_PROPERTY[list]}=${command.line} (code=${rec.code}, status=${formatExitStatus(rec.code, rec.status)})`);
    });
  }
  const accept = cfg.accept ? { accepted: r.nAccepted, connected: r.nConnections, refused: r.nRefused } : null;
  return { mainPid: 0, execLines, result: r.result, listen: listenLines(cfg), accept };
}
