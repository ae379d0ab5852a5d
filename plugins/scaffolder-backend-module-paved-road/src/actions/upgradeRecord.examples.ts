import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

export const examples: TemplateExample[] = [
  {
    description: 'Record an upgrade opened as a pull request on GitHub',
    example: yaml.stringify({
      steps: [
        {
          id: 'record',
          name: 'Record the upgrade',
          action: 'paved-road:upgrade:record',
          input: {
            entityRef: '${{ parameters.entity }}',
            upgrade: '${{ steps.upgrade.output }}',
            url: "${{ steps['pull-request'].output.remoteUrl }}",
            branch: '${{ steps.upgrade.output.branchName }}',
          },
        },
      ],
    }),
  },
];
