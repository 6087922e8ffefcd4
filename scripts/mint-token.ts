/**
 * Development helper: print an agent JWT the server accepts.
 *   npm run token -- --agent alice [--name "Alice Martin"] [--role admin] [--ttl 3600]
 * Uses AGENT_JWT_SECRET (and issuer/audience) exactly as the server reads them.
 */
import { parseArgs } from 'node:util';
import { loadConfig } from '../server/config.js';
import { AgentAuth } from '../signaling/auth/agent-auth.js';

const { values } = parseArgs({
  options: {
    agent: { type: 'string', default: 'agent-dev' },
    name: { type: 'string' },
    role: { type: 'string', default: 'agent' },
    ttl: { type: 'string', default: '3600' },
  },
});
const role = values.role === 'admin' ? 'admin' : values.role === 'agent' ? 'agent' : null;
const ttl = Number(values.ttl);
if (!role || !Number.isInteger(ttl) || ttl <= 0) {
  console.error(
    'usage: npm run token -- --agent <id> [--name <name>] [--role agent|admin] [--ttl <seconds>]',
  );
  process.exit(2);
}
const config = loadConfig();
const auth = new AgentAuth(config.agentJwt);
process.stdout.write(
  `${auth.mint({ id: values.agent, ...(values.name ? { name: values.name } : {}), role }, ttl)}\n`,
);
