import fs from 'node:fs/promises';
import path from 'node:path';
import type { Project } from './project';

/*
 * Test-only entry points written into a generated project. They stand in for the code a
 * product engineer adds (a slow route, a real work source) without changing the generated
 * files: each wraps the project's own entry point.
 */

/** Python API: the generated app plus `GET /behaviour/slow?seconds=N` (a slow handler). */
const PYTHON_SLOW_ROUTE = `"""Behaviour-test entry point: python -m app with one slow route added."""
import asyncio
import logging

import app.main

_create_app = app.main.create_app


def create_app(**kwargs):
    application = _create_app(**kwargs)

    @application.get("/behaviour/slow")
    async def slow(seconds: float = 1.0):
        logging.getLogger("app").info("slow request started")
        await asyncio.sleep(seconds)
        return {"slept": seconds}

    return application


app.main.create_app = create_app

from app.__main__ import main  # noqa: E402

main()
`;

/**
 * Cron job, TypeScript: preloaded with --require; the example work source becomes
 * BEHAVIOUR_ITEMS items whose work takes BEHAVIOUR_ITEM_MS each and ignores the abort signal.
 */
const TS_SLOW_SOURCE = `// Behaviour-test preload: a slow work source in place of the example one.
const path = require('node:path');
const task = require(path.resolve('dist/task.js'));
const count = Number(process.env.BEHAVIOUR_ITEMS || '1000');
const itemMs = Number(process.env.BEHAVIOUR_ITEM_MS || '100');
task.exampleSource = () => {
  const items = Array.from({ length: count }, (_, i) => ({ id: 'item-' + i, payload: { amount: i } }));
  const source = new task.InMemoryWorkSource(items);
  const markDone = source.markDone.bind(source);
  source.markDone = async (id) => {
    await new Promise((resolve) => setTimeout(resolve, itemMs));
    await markDone(id);
  };
  return source;
};
`;

/** Cron job, Python: the same slow source (BEHAVIOUR_ITEM_SECONDS per item), then python -m app. */
const PYTHON_SLOW_SOURCE = `"""Behaviour-test entry point: python -m app with a slow work source."""
import os
import sys
import time

import app.task
from app.task import InMemoryWorkSource, WorkItem


class SlowSource(InMemoryWorkSource):
    def mark_done(self, item_id):
        time.sleep(float(os.environ.get("BEHAVIOUR_ITEM_SECONDS", "0.1")))
        super().mark_done(item_id)


def slow_source():
    count = int(os.environ.get("BEHAVIOUR_ITEMS", "1000"))
    return SlowSource([WorkItem(f"item-{i}", {"amount": i}) for i in range(count)])


app.task.example_source = slow_source

from app.__main__ import main  # noqa: E402

sys.exit(main())
`;

/**
 * Arguments for node (`-e`) or python (`-c`) that run one 2 s query through the project's
 * own Database class, configured from the environment as its main does, and print the
 * outcome: the request path's statement timeout, seen from outside.
 */
export function requestQueryArgs(language: Project['language']): string[] {
  if (language === 'typescript') {
    return [
      '-e',
      `const { loadConfig } = require('./dist/config.js');
const { Database } = require('./dist/db.js');
const config = loadConfig();
const db = new Database(config.databaseUrl, { statementTimeoutMs: config.databaseStatementTimeoutMs });
db.pool.query('SELECT pg_sleep(2)')
  .then(() => console.log('completed'), (e) => console.log(e.message))
  .finally(() => db.close());`,
    ];
  }
  return [
    '-c',
    `from app.config import Settings
from app.db import Database
s = Settings.from_env()
db = Database(s.database_url, statement_timeout_ms=s.database_statement_timeout_ms)
try:
    db.connection().execute("SELECT pg_sleep(2)")
    print("completed")
except Exception as exc:
    print(exc)
finally:
    db.close()`,
  ];
}

/**
 * Writes the entry point for `kind` into the project and returns its path relative to the
 * project (a --require preload for TypeScript, a script for Python), or undefined when the
 * project needs none.
 */
export async function writeHarness(
  project: Project,
  kind: 'slow-route' | 'slow-source',
): Promise<string | undefined> {
  let file: string | undefined;
  let content = '';
  if (kind === 'slow-route' && project.language === 'python') {
    file = 'behaviour_serve.py';
    content = PYTHON_SLOW_ROUTE;
  } else if (kind === 'slow-source') {
    file =
      project.language === 'python'
        ? 'behaviour_run.py'
        : './behaviour-source.js';
    content =
      project.language === 'python' ? PYTHON_SLOW_SOURCE : TS_SLOW_SOURCE;
  }
  if (!file) return undefined;
  await fs.writeFile(path.join(project.dir, file), content);
  return file;
}
