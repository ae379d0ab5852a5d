import { useApi } from '@backstage/core-plugin-api';
import { usePermission } from '@backstage/plugin-permission-react';
import { Box, Button, Typography } from '@material-ui/core';
import {
  EvaluationSummary,
  pavedRoadEvaluatePermission,
} from '@paved-road/backstage-plugin-common';
import useAsyncFn from 'react-use/esm/useAsyncFn';
import { pavedRoadApiRef } from '../../api';

function describe(summary: EvaluationSummary): string {
  if (summary.error) return `Evaluation failed: ${summary.error}`;
  if (summary.mode === 'entity') {
    return summary.stale
      ? `Kept the last results: a fact source failed (marked stale).`
      : `Re-evaluated in ${summary.durationMs} ms.`;
  }
  return `Evaluated ${summary.evaluated} of ${summary.scanned} entities (${summary.unchanged} unchanged, ${summary.stale} stale) in ${summary.durationMs} ms.`;
}

/**
 * Asks the backend to re-evaluate this entity now, for users with the
 * `paved-road.scorecards.evaluate` permission, then calls `onDone` to reload.
 */
export function ReEvaluateButton(props: {
  entityRef: string;
  onDone: () => void;
}) {
  const api = useApi(pavedRoadApiRef);
  const { allowed } = usePermission({
    permission: pavedRoadEvaluatePermission,
  });
  const [state, run] = useAsyncFn(async () => {
    const summary = await api.evaluate({ entityRef: props.entityRef });
    props.onDone();
    return summary;
  }, [api, props.entityRef, props.onDone]);

  if (!allowed) return null;
  return (
    <Box display="flex" alignItems="center">
      {(state.value || state.error) && (
        <Typography
          variant="body2"
          role="status"
          color={state.error ? 'error' : 'textSecondary'}
          style={{ marginRight: 8 }}
        >
          {state.error
            ? `Re-evaluation failed: ${state.error.message}`
            : describe(state.value!)}
        </Typography>
      )}
      <Button
        variant="outlined"
        color="primary"
        disabled={state.loading}
        onClick={() => run()}
      >
        {state.loading ? 'Evaluating…' : 'Re-evaluate'}
      </Button>
    </Box>
  );
}
