// Where the control socket is: --socket, else $UNITD_SOCKET, else the root or per-user default.
// Shared by the CLI and the client library; mirrors the daemon's defaultSocket().

export function socketPath(option: string | null, env: Readonly<Record<string, string | undefined>>, uid: number): string {
  if (option) return option;
  if (env.UNITD_SOCKET) return env.UNITD_SOCKET;
  if (uid === 0) return '/run/unitd/unitd.sock';
  return `${env.XDG_RUNTIME_DIR || `/run/user/${uid}`}/unitd/unitd.sock`;
}
