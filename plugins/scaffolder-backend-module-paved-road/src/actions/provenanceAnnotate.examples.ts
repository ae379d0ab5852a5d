import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

export const examples: TemplateExample[] = [
  {
    description:
      "Stamp the running template's ref and version on the generated catalog-info.yaml",
    example: yaml.stringify({
      steps: [
        {
          id: 'provenance',
          name: 'Stamp golden-path provenance',
          action: 'paved-road:provenance:annotate',
          input: { catalogInfoPath: 'catalog-info.yaml' },
        },
      ],
    }),
  },
];
