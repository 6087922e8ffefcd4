// `npm run agent -- …` from the sources; the image runs dist/server/agent-cli.js.
import '../server/agent-cli.js';
