import { Link } from '@backstage/core-components';
import { useApi, useRouteRef } from '@backstage/core-plugin-api';
import { Typography } from '@material-ui/core';
import { UpgradeRequest } from '@paved-road/backstage-plugin-common';
import { ReactNode } from 'react';
import useAsync from 'react-use/esm/useAsync';
import { pavedRoadApiRef } from '../../api';
import { scaffolderRouteRef } from '../../routes';

/** Statuses of an upgrade still waiting to be merged. */
const OPEN_STATUSES: ReadonlyArray<UpgradeRequest['status']> = [
  'open',
  'conflicted',
];

/**
 * The entity's newest upgrade request that is still open (`open` or `conflicted`),
 * from `GET /upgrades?entityRef=`; only asked for when `enabled` (the entity was made
 * from a golden path). `error` when the requests could not be loaded.
 */
export function useOpenUpgrade(entityRef: string, enabled: boolean) {
  const api = useApi(pavedRoadApiRef);
  const { value, error, loading } = useAsync(async () => {
    if (!enabled) return undefined;
    const { items } = await api.listUpgrades({ entityRef });
    return items.find(r => OPEN_STATUSES.includes(r.status));
  }, [api, entityRef, enabled]);
  return { upgrade: value, error, loading };
}

const isWebUrl = (url: string | undefined) => /^https?:\/\//i.test(url ?? '');

/** The scaffolder's page of task `taskId` under the scaffolder's root page. */
export function taskPageUrl(scaffolderRoot: string, taskId: string) {
  return `${scaffolderRoot.replace(/\/+$/, '')}/tasks/${encodeURIComponent(
    taskId,
  )}`;
}

/**
 * One open upgrade, inline: "Upgrade to 2.5.0 open: pull request" linking to the pull
 * request, or for a local branch (a `file:` URL a browser cannot open) the branch's
 * name linking to the scaffolder task that made it, when the app binds the scaffolder
 * route; a conflicted one says how many files have conflict markers.
 */
export function OpenUpgrade(props: { upgrade: UpgradeRequest }) {
  const { upgrade } = props;
  const scaffolderRoute = useRouteRef(scaffolderRouteRef);
  const taskUrl =
    upgrade.taskId && scaffolderRoute
      ? taskPageUrl(scaffolderRoute(), upgrade.taskId)
      : undefined;
  let target: ReactNode = null;
  if (isWebUrl(upgrade.url)) {
    target = <Link to={upgrade.url!}>pull request</Link>;
  } else if (upgrade.branch) {
    const name = <code>{upgrade.branch}</code>;
    target = <>branch {taskUrl ? <Link to={taskUrl}>{name}</Link> : name}</>;
  } else if (taskUrl) {
    target = <Link to={taskUrl}>upgrade task</Link>;
  }
  const conflicts = upgrade.conflicts ?? 0;
  return (
    <span data-testid="open-upgrade">
      Upgrade to {upgrade.toVersion} open{target && ': '}
      {target}
      {upgrade.status === 'conflicted' &&
        `, with conflict markers in ${conflicts} ${
          conflicts === 1 ? 'file' : 'files'
        } to resolve`}
      .
    </span>
  );
}

/** A small note that the open upgrades could not be loaded; the card works without. */
export function OpenUpgradeError(props: { error: Error }) {
  return (
    <Typography variant="caption" color="textSecondary" component="p">
      Open upgrades could not be loaded: {props.error.message}
    </Typography>
  );
}
