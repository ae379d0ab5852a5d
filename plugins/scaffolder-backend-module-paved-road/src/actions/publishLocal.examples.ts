import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

export const examples: TemplateExample[] = [
  {
    description:
      'Publish the generated project to the configured local folder and register its entity',
    example: yaml.stringify({
      steps: [
        {
          id: 'publish-local',
          name: 'Publish to a local folder',
          action: 'paved-road:publish:local',
          input: { repoName: '${{ parameters.name }}' },
        },
      ],
    }),
  },
];
