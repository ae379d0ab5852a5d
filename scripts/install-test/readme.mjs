// Reads the install steps out of the README, so the install test applies exactly the lines
// a user is told to apply. A step is a fenced code block preceded by a comment
//
//   <!-- install-test {"run": true} -->                       run the shell lines
//   <!-- install-test {"file": "<path>", "before": "<text>"} -->  insert the block before <text>
//   <!-- install-test {"file": "<path>", "after": "<text>"} -->   ... after <text>
//   <!-- install-test {"file": "<path>", "afterImports": true} --> ... after the last import
//   <!-- install-test {"merge": "app-config.yaml"} -->          merge the YAML block into it
//
// with `"all": true` to insert at every occurrence of the anchor, and `"frontend": "new"`
// or `"legacy"` for steps of one frontend system only. The comments do not render.
import { readFileSync } from 'node:fs';

const DIRECTIVE =
  /<!-- install-test (\{.*?\}) -->\s*\n```(\w*)\n([\s\S]*?)\n```/g;

/** Every install step of the README, in order, with the heading it sits under. */
export function readInstallSteps(readmePath) {
  const text = readFileSync(readmePath, 'utf8');
  const steps = [];
  for (const match of text.matchAll(DIRECTIVE)) {
    const before = text.slice(0, match.index);
    const heading = [...before.matchAll(/^#{2,4} (.+)$/gm)].pop()?.[1];
    const line = before.split('\n').length;
    let directive;
    try {
      directive = JSON.parse(match[1]);
    } catch (error) {
      throw new Error(
        `${readmePath}:${line}: the install-test comment is not JSON: ${error.message}`,
      );
    }
    let code = match[3];
    // A first line naming the file (`// packages/app/src/App.tsx`) is for the reader.
    if (
      directive.file &&
      code.split('\n')[0].trim() === `// ${directive.file}`
    ) {
      code = code.split('\n').slice(1).join('\n');
    }
    steps.push({
      ...directive,
      lang: match[2],
      code,
      where: `README.md:${line} (under "${heading}")`,
    });
  }
  if (!steps.length) {
    throw new Error(`${readmePath} has no install-test steps`);
  }
  return steps;
}

/** The steps for one frontend system (`new` or `legacy`). */
export function stepsFor(steps, frontend) {
  return steps.filter(s => !s.frontend || s.frontend === frontend);
}

/** Inserts a step's code into a file's text; throws naming the anchor that is missing. */
export function insertInto(source, step) {
  const block = step.code.endsWith('\n') ? step.code : `${step.code}\n`;
  if (step.afterImports) {
    const imports = [
      ...source.matchAll(/^(import [^;]*?;|} from '[^']+';)$/gms),
    ];
    const last = imports.pop();
    if (!last) throw new Error(`${step.file} has no import to insert after`);
    const at = last.index + last[0].length + 1;
    return source.slice(0, at) + block + source.slice(at);
  }
  const anchor = step.before ?? step.after;
  if (!anchor || !source.includes(anchor)) {
    throw new Error(
      `${step.where}: '${anchor}' is not in ${step.file}; the README's placement no longer matches the generated app`,
    );
  }
  const parts = source.split(anchor);
  const join = step.before ? block + anchor : `${anchor}\n${block}`;
  if (step.all) return parts.join(join);
  return parts[0] + join + parts.slice(1).join(anchor);
}
