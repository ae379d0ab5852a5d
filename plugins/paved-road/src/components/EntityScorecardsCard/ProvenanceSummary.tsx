import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import { Link } from '@backstage/core-components';
import { useApi, useRouteRef } from '@backstage/core-plugin-api';
import { catalogApiRef, entityRouteRef } from '@backstage/plugin-catalog-react';
import { Box, Typography } from '@material-ui/core';
import { useTheme } from '@material-ui/core/styles';
import WarningIcon from '@material-ui/icons/Warning';
import {
  EvaluatedEntity,
  PAVED_ROAD_ANNOTATIONS,
} from '@paved-road/backstage-plugin-common';
import useAsync from 'react-use/esm/useAsync';
import { scaffolderRouteRef } from '../../routes';
import { OpenUpgrade, OpenUpgradeError, useOpenUpgrade } from './OpenUpgrade';

const DRIFT_TEXT: Record<string, string> = {
  current: 'on the latest version',
  patch: 'a patch release behind',
  minor: 'a minor release or more behind',
  major: 'a major release or more behind',
  ahead: 'ahead of the latest version',
};

/** The Software Template that upgrades a service to its golden path's latest release. */
const UPGRADE_TEMPLATE = { namespace: 'default', name: 'upgrade-service' };

/**
 * The scaffolder's page of the upgrade template with the form's `entity` prefilled (the
 * scaffolder reads the initial form values from the `formData` query parameter, as JSON).
 */
function upgradeTemplateUrl(scaffolderRoot: string, entityRef: string) {
  const formData = encodeURIComponent(JSON.stringify({ entity: entityRef }));
  const root = scaffolderRoot.replace(/\/+$/, '');
  return `${root}/templates/${UPGRADE_TEMPLATE.namespace}/${UPGRADE_TEMPLATE.name}?formData=${formData}`;
}

/**
 * Where the entity came from: its golden-path template, the version it uses, the
 * template's latest version and a drift warning linking to the template and, when the
 * app binds the scaffolder route, to the upgrade template with the entity preselected;
 * or, once an upgrade was opened and until it is merged, to that upgrade instead.
 */
export function ProvenanceSummary(props: {
  entityRef: string;
  evaluated: EvaluatedEntity | null;
  annotations: Record<string, string>;
}) {
  const { entityRef, evaluated, annotations } = props;
  const theme = useTheme();
  const catalogApi = useApi(catalogApiRef);
  const entityRoute = useRouteRef(entityRouteRef);
  const scaffolderRoute = useRouteRef(scaffolderRouteRef);
  const templateRef =
    evaluated?.templateRef ??
    annotations[PAVED_ROAD_ANNOTATIONS.sourceTemplate];
  const inUse = annotations[PAVED_ROAD_ANNOTATIONS.templateVersion];
  const { value: template } = useAsync(
    async () =>
      templateRef ? catalogApi.getEntityByRef(templateRef) : undefined,
    [catalogApi, templateRef],
  );
  const open = useOpenUpgrade(entityRef, Boolean(templateRef));

  if (!templateRef) {
    return (
      <Typography variant="body2" color="textSecondary">
        Not scaffolded from a golden path.
      </Typography>
    );
  }
  const parsed = parseEntityRef(templateRef);
  const latest =
    template?.metadata.annotations?.[PAVED_ROAD_ANNOTATIONS.templateVersion];
  const drift = evaluated?.drift ?? null;
  const behind = drift === 'minor' || drift === 'major';
  const templateLink = (
    <Link
      to={entityRoute({
        kind: parsed.kind.toLocaleLowerCase('en-US'),
        namespace: parsed.namespace,
        name: parsed.name,
      })}
    >
      {template?.metadata.title ?? parsed.name}
    </Link>
  );
  // Offered once the entity is known to have no open upgrade (or that is unknown).
  const upgradeUrl =
    behind && evaluated && scaffolderRoute && !open.loading
      ? upgradeTemplateUrl(
          scaffolderRoute(),
          stringifyEntityRef(parseEntityRef(evaluated.entityRef)),
        )
      : undefined;
  const openUpgrade = open.upgrade && <OpenUpgrade upgrade={open.upgrade} />;

  return (
    <Box>
      <Typography variant="body2">
        Golden path: {templateLink} · version in use {inUse ?? 'unknown'} ·
        latest {latest ?? 'unknown'}
      </Typography>
      {drift && !behind && (
        <Typography variant="body2" color="textSecondary">
          This entity is {DRIFT_TEXT[drift] ?? drift}.
        </Typography>
      )}
      {behind && (
        <Box
          display="flex"
          alignItems="center"
          mt={1}
          role="alert"
          style={{ color: theme.palette.warning.main }}
        >
          <WarningIcon fontSize="small" aria-hidden />
          <Typography variant="body2" style={{ marginLeft: 4 }}>
            Drift: {DRIFT_TEXT[drift!]} of its template. See the upgrade notes
            in the docs of {templateLink}.
            {/* An open upgrade is linked to rather than offering a second one. */}
            {(openUpgrade || upgradeUrl) && ' '}
            {openUpgrade ??
              (upgradeUrl && (
                <Link to={upgradeUrl}>Upgrade with a pull request</Link>
              ))}
          </Typography>
        </Box>
      )}
      {openUpgrade && !behind && (
        <Typography variant="body2">{openUpgrade}</Typography>
      )}
      {open.error && <OpenUpgradeError error={open.error} />}
    </Box>
  );
}
