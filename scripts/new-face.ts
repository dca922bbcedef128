// `npm run new-face <name> [--title "Title"]`: generates a new face on the skeleton of docs/faces.md, with a
// working template API (card payments with 3-D Secure, capture, void, refunds, a signed webhook), registered, with
// its tests (test/faces/<name>/, a conformance adapter) and its page docs/<name>.md. Run it from the repository's
// root; it refuses a name that is taken or not `^[a-z][a-z0-9]{1,19}$`, and writes nothing then.
import { parseArgs } from 'node:util';
import { generateFace, Refused } from './new-face/generate.js';

const USAGE = 'usage: npm run new-face <name> [--title "Title"]   (name: a lower-case letter, then 1 to 19 lower-case letters or digits)';

async function main(): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ allowPositionals: true, options: { title: { type: 'string' }, help: { type: 'boolean', short: 'h' } } });
  } catch (e) {
    console.error(`${(e as Error).message}\n${USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  let title = values.title;
  // `npm run new-face <name> --title "T"` (without `--`): npm keeps --title for itself and passes "T" on as a word
  const npmTitle = process.env.npm_lifecycle_event === 'new-face' ? process.env.npm_config_title : undefined;
  if (title === undefined && npmTitle === 'true' && positionals.length === 2) title = positionals.pop();
  else if (title === undefined && npmTitle !== undefined && npmTitle !== 'true') title = npmTitle;
  if (positionals.length !== 1) {
    console.error(USAGE);
    return 2;
  }
  try {
    const g = await generateFace(process.cwd(), positionals[0]!, title);
    const n = g.names;
    console.log(`Generated the ${n.title} face "${n.name}" (migration ${n.migration}):`);
    for (const f of g.created) console.log(`  new     ${f}`);
    for (const f of g.edited) console.log(`  edited  ${f}`);
    console.log(
      [
        '',
        'Next:',
        `  npx tsc -p tsconfig.json --noEmit && POLYPAY_TEST_STORES=sqlite npx vitest run test/faces/${n.name}`,
        `  then replace the template API with your provider's, file by file (each file says what to replace),`,
        '  and do what docs/faces.md ("The checklist of a new face") lists as left to you.',
      ].join('\n'),
    );
    return 0;
  } catch (e) {
    if (e instanceof Refused) {
      console.error(`new-face: ${e.message}`);
      return 1;
    }
    throw e;
  }
}

process.exitCode = await main();
