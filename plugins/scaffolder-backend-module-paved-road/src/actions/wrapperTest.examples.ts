import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

export const examples: TemplateExample[] = [
  {
    description:
      'Score a proposal from the form; the run fails unless it passes',
    example: yaml.stringify({
      steps: [
        {
          id: 'wrapper-test',
          name: 'Wrapper test',
          action: 'paved-road:wrapper-test',
          input: {
            toolName: 'otel-starter',
            hoursSavedPerService: 16,
            servicesExpectedToAdopt: 30,
            stepsRemoved: 5,
            errorsPrevented: [
              'missing trace propagation',
              'unsampled error spans',
            ],
            operationalBenefit:
              'Traces across service boundaries and RED metrics dashboards out of the box',
            alternativeConsidered:
              'The raw OpenTelemetry SDK needs 200 lines of setup per service and was wrong in 6 of 8 teams',
            docs: {
              quickstart: true,
              failureModeReference: true,
              versioningPolicy: true,
            },
          },
        },
      ],
    }),
  },
];
