import { stringifyEntityRef } from '@backstage/catalog-model';
import { useApi } from '@backstage/core-plugin-api';
import { useEntity } from '@backstage/plugin-catalog-react';
import useAsync from 'react-use/esm/useAsync';
import { pavedRoadApiRef } from '../../api';

/** The campaigns whose scope includes the current entity, nearest deadline first. */
export function useEntityCampaigns() {
  const { entity } = useEntity();
  const api = useApi(pavedRoadApiRef);
  const entityRef = stringifyEntityRef(entity);
  return useAsync(
    async () => (await api.listEntityCampaigns(entityRef)).items,
    [api, entityRef],
  );
}
