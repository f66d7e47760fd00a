// A fixed HostInfo for unit-file tests.
import type { HostInfo } from '../../../../src/engine/ports.ts';

export const HOST: HostInfo = {
  hostname: 'box.example.com', machineId: 'a'.repeat(32), bootId: 'b'.repeat(32), kernelRelease: '6.1.0-13-amd64',
  architecture: 'x86-64', userName: 'root', uid: 0, groupName: 'root', gid: 0, home: '/root', shell: '/bin/bash',
  runtimeDir: '/run', environment: { PATH: '/usr/bin:/bin', LANG: 'C.UTF-8' },
};
