/**
 * What a team changes in the service it scaffolded, written against the release it was
 * scaffolded from: the upgrade has to carry all of it over, and the team's own test has to
 * keep passing on the upgraded project.
 */

/** An edit of a generated file; `undefined` when the file does not have what it edits. */
export interface TeamEdit {
  path: string;
  description: string;
  edit: (content: string) => string | undefined;
}

/** The team's own code and its test, and what the test writes when it has run. */
export interface TeamCode {
  files: Record<string, string>;
  /** Written by the team's test to MARKER_FILE (JSON) after its assertions pass. */
  marker: Record<string, unknown>;
}

/** The file the team's test writes in the project folder (its working directory). */
export const MARKER_FILE = 'team-extension.ran';

/** (a) A line at the end of the README. */
export const README_EDIT: TeamEdit = {
  path: 'README.md',
  description: 'on-call line at the end of README.md',
  edit: content =>
    `${content}\nOn call: #checkout-oncall (added by the team)\n`,
};

/**
 * (c) Small edits of generated configuration that upgrades also change, each placed away
 * from what the releases so far change in that file so that it merges without conflict.
 * The test applies those whose file the upgrade changes.
 */
export const CONFIG_EDITS: TeamEdit[] = [
  {
    path: 'package.json',
    description: 'a team:check script in package.json (after "build")',
    edit: content => {
      const build = content.match(/^(\s*)"build": .*,\n/m);
      if (!build) return undefined;
      const at = build.index! + build[0].length;
      return `${content.slice(0, at)}${
        build[1]
      }"team:check": "node --import tsx --test test/team-extension.test.ts",\n${content.slice(
        at,
      )}`;
    },
  },
  {
    path: '.gitignore',
    description: "the team's scratch folder at the top of .gitignore",
    edit: content =>
      `# The Checkout team's scratch files\n.scratch/\n${content}`,
  },
];

/** Environment for the generated configuration: every setting any golden path requires. */
const ENV = {
  DATABASE_URL: 'postgres://cart:cart@localhost:5432/cart',
  KAFKA_BROKERS: 'localhost:9092',
  KAFKA_TLS: 'false',
  OTEL_SERVICE_NAME: 'cart-api-team',
};
const SETTINGS = { serviceName: 'cart-api-team', cartTtlHours: 48 };

/** A TypeScript service: a setting of the team's own next to the generated `loadConfig`. */
const typescriptService: TeamCode = {
  marker: SETTINGS,
  files: {
    'src/team-extension.ts': `import { loadConfig } from './config';

/** The Checkout team's own setting, next to the generated configuration. */
export interface TeamSettings {
  serviceName: string;
  cartTtlHours: number;
}

export function teamSettings(env: NodeJS.ProcessEnv = process.env): TeamSettings {
  const raw = env.CART_TTL_HOURS ?? '24';
  const cartTtlHours = Number(raw);
  if (!Number.isInteger(cartTtlHours) || cartTtlHours < 1) {
    throw new Error(\`CART_TTL_HOURS must be a positive integer, got "\${raw}"\`);
  }
  return { serviceName: loadConfig(env).serviceName, cartTtlHours };
}
`,
    'test/team-extension.test.ts': `import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { it } from 'node:test';
import { teamSettings } from '../src/team-extension';

const env = ${JSON.stringify(ENV)};

it('team extension: reads the generated config and the team setting', () => {
  const settings = teamSettings({ ...env, CART_TTL_HOURS: '48' });
  assert.deepEqual(settings, ${JSON.stringify(SETTINGS)});
  assert.throws(() => teamSettings({ ...env, CART_TTL_HOURS: 'soon' }), /CART_TTL_HOURS/);
  writeFileSync('${MARKER_FILE}', JSON.stringify(settings));
});
`,
  },
};

/** A TypeScript library (platform-tool): the team's wrapper around the generated `retry`. */
const typescriptLibrary: TeamCode = {
  marker: { status: 200, attempts: 3 },
  files: {
    'src/team-extension.ts': `import { isRetryableStatus, retry } from './index';

/** Calls \`request\` until it answers a status that is not worth retrying. */
export async function statusWithRetry(
  request: (attempt: number) => Promise<number>,
): Promise<{ status: number; attempts: number }> {
  let attempts = 0;
  const status = await retry(
    async (attempt) => {
      attempts = attempt;
      const answer = await request(attempt);
      if (isRetryableStatus(answer)) throw new Error(\`status \${answer}\`);
      return answer;
    },
    { retries: 3, baseDelayMs: 1, maxDelayMs: 4 },
  );
  return { status, attempts };
}
`,
    'test/team-extension.test.ts': `import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { it } from 'node:test';
import { statusWithRetry } from '../src/team-extension';

it('team extension: retries the retryable statuses', async () => {
  const statuses = [503, 429, 200];
  const result = await statusWithRetry(async (attempt) => statuses[attempt - 1] ?? 500);
  assert.deepEqual(result, { status: 200, attempts: 3 });
  writeFileSync('${MARKER_FILE}', JSON.stringify(result));
});
`,
  },
};

/** A Python service: a setting of the team's own next to the generated `Settings`. */
const pythonService: TeamCode = {
  marker: SETTINGS,
  files: {
    'app/team_extension.py': `"""The Checkout team's own setting, next to the generated configuration."""

from __future__ import annotations

from collections.abc import Mapping

from app.config import Settings


def team_settings(environ: Mapping[str, str]) -> dict[str, object]:
    raw = environ.get("CART_TTL_HOURS", "24")
    if not raw.isdigit() or int(raw) < 1:
        raise ValueError(f'CART_TTL_HOURS must be a positive integer, got "{raw}"')
    return {"serviceName": Settings.from_env(environ).service_name, "cartTtlHours": int(raw)}
`,
    'tests/test_team_extension.py': `import json
from pathlib import Path

import pytest

from app.team_extension import team_settings

ENV = ${JSON.stringify(ENV)}


def test_team_extension_reads_the_generated_config():
    settings = team_settings({**ENV, "CART_TTL_HOURS": "48"})
    assert settings == {"serviceName": "cart-api-team", "cartTtlHours": 48}
    with pytest.raises(ValueError, match="CART_TTL_HOURS"):
        team_settings({**ENV, "CART_TTL_HOURS": "soon"})
    Path("${MARKER_FILE}").write_text(json.dumps(settings))
`,
  },
};

/** The team code that fits a generated project, by what the project holds. */
export function teamCode(files: Iterable<string>, label: string): TeamCode {
  const paths = new Set(files);
  if (paths.has('package.json') && paths.has('src/config.ts')) {
    return typescriptService;
  }
  if (paths.has('package.json') && paths.has('src/index.ts')) {
    return typescriptLibrary;
  }
  if (paths.has('app/config.py')) return pythonService;
  throw new Error(`${label}: no team code for this kind of project`);
}
