import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

export const examples: TemplateExample[] = [
  {
    description:
      'Record the entity a golden path created; template, version and time saved come from the running template',
    example: yaml.stringify({
      steps: [
        {
          id: 'adoption',
          name: 'Record adoption',
          action: 'paved-road:adoption:record',
          input: {
            entityRef: "${{ steps['publish-local'].output.entityRef }}",
          },
        },
      ],
    }),
  },
  {
    description:
      'Record a scaffold with explicit values, e.g. from a non-golden-path template',
    example: yaml.stringify({
      steps: [
        {
          id: 'adoption',
          name: 'Record adoption',
          action: 'paved-road:adoption:record',
          input: {
            entityRef: 'component:default/cart-api',
            templateRef: 'template:default/api-service',
            templateVersion: '2.3.0',
            hoursSaved: 40,
          },
        },
      ],
    }),
  },
];
