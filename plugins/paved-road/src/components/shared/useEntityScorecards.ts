import { stringifyEntityRef } from '@backstage/catalog-model';
import { useApi } from '@backstage/core-plugin-api';
import { useEntity } from '@backstage/plugin-catalog-react';
import { useState } from 'react';
import useAsync from 'react-use/esm/useAsync';
import { pavedRoadApiRef } from '../../api';

/** The current entity's stored scorecard results (one request), with a reload. */
export function useEntityScorecards() {
  const { entity } = useEntity();
  const api = useApi(pavedRoadApiRef);
  const entityRef = stringifyEntityRef(entity);
  const [generation, setGeneration] = useState(0);
  const state = useAsync(
    () => api.getEntityScorecards(entityRef),
    [api, entityRef, generation],
  );
  return {
    ...state,
    entity,
    entityRef,
    reload: () => setGeneration(g => g + 1),
  };
}
