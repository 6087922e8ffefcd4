/**
 * Local agent accounts, on the embedded default (or the Redis the server uses):
 *
 *   npm run agent -- add <id> --name "Alice Martin" [--role agent|admin]
 *   npm run agent -- remove <id>
 *   npm run agent -- list
 *
 * `add` reads the password from stdin: typed twice, unechoed, on a terminal;
 * the first line otherwise (`printf '%s\n' "$PW" | npm run agent -- add …`).
 * It never takes one on the command line, where `ps` and shell history see it.
 * Adding an existing id replaces its name, role and password.
 *
 * Compiled with the server, so the image has it: `node dist/server/agent-cli.js …`.
 */
import { createInterface } from 'node:readline';
import { Writable } from 'node:stream';
import { parseArgs } from 'node:util';
import { pino } from 'pino';
import { ZodError } from 'zod';
import { loadConfig, ConfigError } from './config.js';
import { LocalAccounts } from '../signaling/auth/local-accounts.js';
import { createAccountStore } from '../signaling/store/account-factory.js';
import { AgentRoleSchema } from '../signaling/store/account-store.js';

/** What the operator reads (stdout); errors go to stderr. */
const say = (line: string): void => {
  process.stdout.write(`${line}\n`);
};

const USAGE = 'usage: npm run agent -- add <id> --name <name> [--role agent|admin] | remove <id> | list';

async function readPassword(): Promise<string> {
  if (!process.stdin.isTTY) {
    const rl = createInterface({ input: process.stdin });
    for await (const line of rl) {
      rl.close();
      return line;
    }
    throw new Error('no password on stdin');
  }
  const ask = (prompt: string): Promise<string> =>
    new Promise((resolve) => {
      // The prompt goes out, then the echo of what is typed is dropped.
      let muted = false;
      const output = new Writable({
        write(chunk: Buffer, _encoding, done) {
          if (!muted) process.stdout.write(chunk);
          done();
        },
      });
      const rl = createInterface({ input: process.stdin, output, terminal: true });
      rl.question(prompt, (answer) => {
        rl.close();
        process.stdout.write('\n');
        resolve(answer);
      });
      muted = true;
    });
  const first = await ask('Mot de passe / password: ');
  const second = await ask('Encore / again: ');
  if (first !== second) throw new Error('the two passwords differ');
  return first;
}

async function main(): Promise<number> {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: { name: { type: 'string' }, role: { type: 'string', default: 'agent' } },
  });
  const [command, id] = positionals;
  const config = loadConfig();
  const log = pino({ level: 'warn' });
  const store = await createAccountStore(config.store, log);
  const accounts = new LocalAccounts(store);
  try {
    if (command === 'list') {
      for (const a of await accounts.list()) say(`${a.id}\t${a.role}\t${a.name}`);
      return 0;
    }
    if (command === 'remove' && id) {
      const removed = await accounts.remove(id);
      say(removed ? `removed ${id}` : `no account ${id}`);
      return removed ? 0 : 1;
    }
    if (command === 'add' && id && values.name) {
      const role = AgentRoleSchema.parse(values.role);
      const outcome = await accounts.add({ id, name: values.name, role, password: await readPassword() });
      say(`${outcome} ${id} (${role})`);
      return 0;
    }
    console.error(USAGE);
    return 2;
  } finally {
    await store.close();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof ZodError) console.error(error.issues.map((i) => i.message).join('; '));
    else if (error instanceof ConfigError) console.error(error.message);
    else console.error(error instanceof Error ? error.message : String(error));
    process.exit(1);
  },
);
