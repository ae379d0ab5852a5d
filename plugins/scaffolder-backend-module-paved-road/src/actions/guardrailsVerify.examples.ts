import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

export const examples: TemplateExample[] = [
  {
    description:
      'Verify the whole generated workspace; the step fails on any violation',
    example: yaml.stringify({
      steps: [
        {
          id: 'guardrails',
          name: 'Verify guardrails',
          action: 'paved-road:guardrails:verify',
          input: { path: '.' },
        },
      ],
    }),
  },
  {
    description:
      'Knowingly skip one guardrail: the escape hatch and its reason are recorded on the entity',
    example: yaml.stringify({
      steps: [
        {
          id: 'guardrails',
          name: 'Verify guardrails',
          action: 'paved-road:guardrails:verify',
          input: {
            escapeHatches: [
              {
                guardrail: 'network-policy',
                reason:
                  'Partner webhook needs egress to arbitrary IPs (PAY-231)',
              },
            ],
          },
        },
      ],
    }),
  },
];
