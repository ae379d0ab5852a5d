import { Box, MenuItem, TextField } from '@material-ui/core';
import { useState } from 'react';
import { DashboardFilters, FilterKey } from './useDashboardFilters';

function SelectFilter(props: {
  id: string;
  label: string;
  value?: string;
  options: string[];
  onChange: (value: string | undefined) => void;
}) {
  const options =
    props.value && !props.options.includes(props.value)
      ? [props.value, ...props.options]
      : props.options;
  return (
    <TextField
      select
      id={`paved-road-filter-${props.id}`}
      label={props.label}
      value={props.value ?? ''}
      onChange={e => props.onChange(e.target.value || undefined)}
      variant="outlined"
      size="small"
      style={{ minWidth: 180, marginRight: 8, marginBottom: 8 }}
    >
      <MenuItem value="">Any</MenuItem>
      {options.map(o => (
        <MenuItem key={o} value={o}>
          {o}
        </MenuItem>
      ))}
    </TextField>
  );
}

function TextFilter(props: {
  id: string;
  label: string;
  value?: string;
  onChange: (value: string | undefined) => void;
}) {
  const [draft, setDraft] = useState(props.value ?? '');
  const commit = () => {
    if (draft.trim() !== (props.value ?? '')) {
      props.onChange(draft.trim() || undefined);
    }
  };
  return (
    <TextField
      id={`paved-road-filter-${props.id}`}
      label={props.label}
      value={draft}
      onChange={e => setDraft(e.target.value)}
      onBlur={commit}
      onKeyDown={e => e.key === 'Enter' && commit()}
      variant="outlined"
      size="small"
      style={{ width: 140, marginRight: 8, marginBottom: 8 }}
    />
  );
}

/**
 * The dashboard's filters. Every filter applies to every figure, table and the export:
 * owner and system choose the scope, kind, type and lifecycle narrow the entities
 * counted, scorecard chooses the levels shown. Trends are daily snapshots of the scope,
 * so kind, type and lifecycle do not narrow them.
 */
export function DashboardFilterBar(props: {
  filters: DashboardFilters;
  onChange: (key: FilterKey, value: string | undefined) => void;
  owners: string[];
  systems: string[];
  scorecards: string[];
}) {
  const { filters, onChange } = props;
  return (
    <Box display="flex" flexWrap="wrap" alignItems="center" mb={2}>
      <SelectFilter
        label="Owner (with subgroups)"
        id="owner"
        value={filters.owner}
        options={props.owners}
        onChange={v => onChange('owner', v)}
      />
      <SelectFilter
        label="System"
        id="system"
        value={filters.system}
        options={props.systems}
        onChange={v => onChange('system', v)}
      />
      <SelectFilter
        label="Scorecard"
        id="scorecard"
        value={filters.scorecard}
        options={props.scorecards}
        onChange={v => onChange('scorecard', v)}
      />
      <TextFilter
        key={`kind-${filters.kind}`}
        id="kind"
        label="Kind"
        value={filters.kind}
        onChange={v => onChange('kind', v)}
      />
      <TextFilter
        key={`type-${filters.type}`}
        id="type"
        label="Type"
        value={filters.type}
        onChange={v => onChange('type', v)}
      />
      <TextFilter
        key={`lifecycle-${filters.lifecycle}`}
        id="lifecycle"
        label="Lifecycle"
        value={filters.lifecycle}
        onChange={v => onChange('lifecycle', v)}
      />
    </Box>
  );
}
