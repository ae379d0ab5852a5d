import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

export const examples: TemplateExample[] = [
  {
    description:
      "Upgrade every api-service of the Orders team to the golden path's latest release",
    example: yaml.stringify({
      steps: [
        {
          id: 'upgrade-all',
          name: 'Upgrade every service',
          action: 'paved-road:template:upgrade-all',
          input: {
            templateRef: 'template:default/api-service',
            owner: 'group:default/orders',
          },
        },
      ],
    }),
  },
];
