import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

export const examples: TemplateExample[] = [
  {
    description:
      'Commit an upgraded repository as a branch of its local repository (offline instances)',
    example: yaml.stringify({
      steps: [
        {
          id: 'branch',
          name: 'Commit the upgrade to a branch',
          action: 'paved-road:publish:local-branch',
          input: {
            repository: "${{ steps['upgrade'].output.localRepository }}",
            branchName: "${{ steps['upgrade'].output.branchName }}",
            title: "${{ steps['upgrade'].output.title }}",
            description: "${{ steps['upgrade'].output.description }}",
          },
        },
      ],
    }),
  },
];
