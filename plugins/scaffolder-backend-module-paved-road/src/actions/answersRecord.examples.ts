import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

export const examples: TemplateExample[] = [
  {
    description:
      'Record the form values and the running template release for later upgrades',
    example: yaml.stringify({
      steps: [
        {
          id: 'answers',
          name: 'Record the answers for template upgrades',
          action: 'paved-road:answers:record',
          input: { values: '${{ parameters }}' },
        },
      ],
    }),
  },
  {
    description: 'Leave a parameter out of the answers file',
    example: yaml.stringify({
      steps: [
        {
          id: 'answers',
          name: 'Record the answers for template upgrades',
          action: 'paved-road:answers:record',
          input: { values: '${{ parameters }}', exclude: ['pagerDutyKey'] },
        },
      ],
    }),
  },
];
