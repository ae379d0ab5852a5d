import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

export const examples: TemplateExample[] = [
  {
    description:
      'Upgrade a service to the current release of its golden path and open a pull request on GitHub',
    example: yaml.stringify({
      steps: [
        {
          id: 'upgrade',
          name: 'Upgrade to the current release',
          action: 'paved-road:template:upgrade',
          input: { entityRef: '${{ parameters.entity }}' },
        },
        {
          id: 'pull-request',
          name: 'Open the pull request',
          action: 'publish:github:pull-request',
          input: {
            repoUrl: "${{ steps['upgrade'].output.repoUrl }}",
            branchName: "${{ steps['upgrade'].output.branchName }}",
            title: "${{ steps['upgrade'].output.title }}",
            description: "${{ steps['upgrade'].output.description }}",
            filesToDelete: "${{ steps['upgrade'].output.removedFiles }}",
          },
        },
      ],
    }),
  },
  {
    description:
      'Upgrade to a given release, giving a value for an input it added',
    example: yaml.stringify({
      steps: [
        {
          id: 'upgrade',
          name: 'Upgrade to 2.5.0',
          action: 'paved-road:template:upgrade',
          input: {
            entityRef: 'component:default/orders-api',
            targetVersion: '2.5.0',
            values: { replicas: 3 },
          },
        },
      ],
    }),
  },
];
