// npm start: the server, and the phone gateway as a process of its own when
// SIP_LISTEN is set. Either one exiting stops the other; SIGTERM/SIGINT go to both.
import { spawn } from 'node:child_process';

const children = [spawn(process.execPath, ['dist/server/main.js'], { stdio: 'inherit' })];
if (process.env.SIP_LISTEN) {
  // The gateway reaches the room core over its public protocol, here on this host's own port
  // (HOST 0.0.0.0 listens on loopback too); SIP_SERVICE_TOKEN is read by both from the environment.
  const env = { ...process.env };
  env.GUICHET_URL ||= `http://127.0.0.1:${process.env.PORT || '3000'}`;
  children.push(spawn(process.execPath, ['dist/sip-gateway/main.js'], { stdio: 'inherit', env }));
}

let exitCode;
for (const child of children) {
  child.on('exit', (code, signal) => {
    exitCode ??= code ?? (signal ? 1 : 0);
    for (const other of children) if (other !== child && other.exitCode === null) other.kill('SIGTERM');
    if (children.every((c) => c.exitCode !== null || c.signalCode !== null)) process.exit(exitCode);
  });
}
for (const signal of ['SIGTERM', 'SIGINT']) {
  process.on(signal, () => {
    for (const child of children) if (child.exitCode === null) child.kill(signal);
  });
}
