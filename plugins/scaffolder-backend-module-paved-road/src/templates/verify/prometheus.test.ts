import path from 'node:path';
import { Render, useEveryCombination } from '../__testUtils__/renders';
import { requireTool, runTool } from '../__testUtils__/tools';
import {
  ALERTS_FILE,
  ALERTS_TEST_FILE,
  RULES_FILE,
  alertCoverage,
  alertNames,
  extractRules,
} from './promtool';

jest.setTimeout(300_000);

/** Runs `promtool <args>` in `dir`: its exit code and everything it printed. */
async function promtool(dir: string, args: string[]) {
  const run = await runTool(requireTool('promtool'), args, { cwd: dir });
  return { code: run.code, output: `${run.stdout}${run.stderr}`.trim() };
}

/** The golden paths that generate `observability/alerts.yaml` (platform-tool has none). */
const TEMPLATES_WITH_ALERTS = ['api-service', 'cron-job', 'worker'];

/**
 * The alert rules every template x option combination generates, checked the way the
 * header of alerts.test.yaml tells teams to check them in their own CI: `.spec` extracted
 * into plain rule groups, `promtool check rules`, then `promtool test rules` on the
 * shipped `observability/alerts.test.yaml`, which must make every alert fire on the
 * failure it names and stay quiet when the service is healthy.
 */
describe('generated Prometheus alerts, verified by promtool', () => {
  const rendered = useEveryCombination();
  let renders: Render[] = [];
  /** Alert names per render label, from the extracted rules. */
  const alerts = new Map<string, string[]>();

  beforeAll(async () => {
    renders = rendered.renders.filter(r => r.files.includes(ALERTS_FILE));
    for (const render of renders) {
      alerts.set(render.label, alertNames(await extractRules(render.dir)));
    }
  });

  it('every service template generates alerts and ships their unit tests', () => {
    expect([...new Set(renders.map(r => r.goldenPath.name))].sort()).toEqual(
      TEMPLATES_WITH_ALERTS,
    );
    const shipped = renders.map(({ label, files }) => ({
      label,
      hasAlerts: (alerts.get(label)?.length ?? 0) > 0,
      hasTests: files.includes(ALERTS_TEST_FILE),
    }));
    expect(shipped).toEqual(
      shipped.map(({ label }) => ({
        label,
        hasAlerts: true,
        hasTests: true,
      })),
    );
  });

  it('promtool check rules accepts the extracted rules', async () => {
    const results = await Promise.all(
      renders.map(async ({ label, dir }) => ({
        label,
        ...(await promtool(dir, ['check', 'rules', RULES_FILE])),
      })),
    );
    expect(results).toHaveLength(renders.length);
    // Only the failures, whole, so the message shows promtool's output for each of them.
    expect(results.filter(({ code }) => code !== 0)).toEqual([]);
  });

  it('promtool test rules passes the shipped observability/alerts.test.yaml', async () => {
    const results = await Promise.all(
      renders.map(async ({ label, dir }) => ({
        label,
        ...(await promtool(dir, ['test', 'rules', ALERTS_TEST_FILE])),
      })),
    );
    expect(results).toHaveLength(renders.length);
    // Only the failures, whole, so the message shows promtool's output for each of them.
    expect(results.filter(({ code }) => code !== 0)).toEqual([]);
  });

  it('the tests read the extracted rules and cover every alert, firing and quiet', async () => {
    const problems: string[] = [];
    for (const { label, dir } of renders) {
      const names = alerts.get(label) ?? [];
      const { ruleFiles, coverage } = await alertCoverage(dir);
      if (ruleFiles.join() !== path.basename(RULES_FILE)) {
        problems.push(
          `${label}: rule_files is ${JSON.stringify(
            ruleFiles,
          )}, expected ["${path.basename(RULES_FILE)}"]`,
        );
      }
      for (const name of names) {
        const cases = coverage.get(name);
        if (!cases?.fires.length) {
          problems.push(`${label}: no test case where ${name} fires`);
        }
        if (!cases?.quiet.length) {
          problems.push(`${label}: no test case where ${name} stays quiet`);
        }
      }
      // promtool passes a quiet case for an alert that does not exist: catch typos.
      for (const name of coverage.keys()) {
        if (!names.includes(name)) {
          problems.push(`${label}: tests name ${name}, which is not an alert`);
        }
      }
    }
    expect(problems).toEqual([]);
  });
});
