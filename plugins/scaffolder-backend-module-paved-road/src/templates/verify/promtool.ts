import fs from 'node:fs/promises';
import path from 'node:path';
import yaml from 'yaml';

/** Where a generated project keeps its alerts, their unit tests and the extracted rules. */
export const ALERTS_FILE = 'observability/alerts.yaml';
export const ALERTS_TEST_FILE = 'observability/alerts.test.yaml';
/** The name alerts.test.yaml's `rule_files` points at, next to it. */
export const RULES_FILE = 'observability/alerts.rules.yaml';

interface RuleGroups {
  groups?: Array<{ name: string; rules?: Array<{ alert?: string }> }>;
}

interface RulesTestFile {
  rule_files?: string[];
  tests?: Array<{
    name?: string;
    alert_rule_test?: Array<{
      alertname: string;
      eval_time: string;
      exp_alerts?: unknown[] | null;
    }>;
  }>;
}

/**
 * Writes the PrometheusRule's `.spec` (plain rule groups, what promtool reads) to
 * `observability/alerts.rules.yaml`, like the command at the top of alerts.test.yaml:
 * `yq '.spec' observability/alerts.yaml > observability/alerts.rules.yaml`.
 */
export async function extractRules(dir: string): Promise<RuleGroups> {
  const rule = yaml.parse(
    await fs.readFile(path.join(dir, ALERTS_FILE), 'utf8'),
  );
  if (rule?.kind !== 'PrometheusRule' || !rule.spec) {
    throw new Error(`${ALERTS_FILE} is not a PrometheusRule with a spec`);
  }
  await fs.writeFile(path.join(dir, RULES_FILE), yaml.stringify(rule.spec));
  return rule.spec;
}

/** The names of every alerting rule, in order. */
export function alertNames(rules: RuleGroups): string[] {
  return (rules.groups ?? []).flatMap(group =>
    (group.rules ?? []).flatMap(rule => (rule.alert ? [rule.alert] : [])),
  );
}

export interface AlertCoverage {
  /** Test cases (`test name @ eval_time`) that expect the alert to fire. */
  fires: string[];
  /** Test cases that expect the alert to stay quiet (empty `exp_alerts`). */
  quiet: string[];
}

/** For each alert named in a promtool test file: where it must fire and where it must not. */
export async function alertCoverage(
  dir: string,
): Promise<{ ruleFiles: string[]; coverage: Map<string, AlertCoverage> }> {
  const tests: RulesTestFile = yaml.parse(
    await fs.readFile(path.join(dir, ALERTS_TEST_FILE), 'utf8'),
  );
  const coverage = new Map<string, AlertCoverage>();
  for (const test of tests.tests ?? []) {
    for (const check of test.alert_rule_test ?? []) {
      const entry = coverage.get(check.alertname) ?? { fires: [], quiet: [] };
      const where = `${test.name ?? '(unnamed)'} @ ${check.eval_time}`;
      if ((check.exp_alerts ?? []).length > 0) entry.fires.push(where);
      else entry.quiet.push(where);
      coverage.set(check.alertname, entry);
    }
  }
  return { ruleFiles: tests.rule_files ?? [], coverage };
}
