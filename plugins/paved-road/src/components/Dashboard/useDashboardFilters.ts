import { useSearchParams } from 'react-router-dom';

/** The dashboard's filters, as query parameters of the page's URL. */
export const FILTER_KEYS = [
  'owner',
  'system',
  'kind',
  'type',
  'lifecycle',
  'scorecard',
] as const;

/** A dashboard filter's name. */
export type FilterKey = (typeof FILTER_KEYS)[number];

/** The dashboard's filters; absent keys do not filter. */
export type DashboardFilters = Partial<Record<FilterKey, string>>;

/** The filters as a query string for `/results` and `/export.csv`, without `?`. */
export function filtersToQuery(filters: DashboardFilters): string {
  const params = new URLSearchParams();
  for (const key of FILTER_KEYS) {
    if (filters[key]) params.set(key, filters[key]!);
  }
  return params.toString();
}

/**
 * Reads and writes the dashboard's filters in the URL's query string, so a filtered
 * view can be shared by its link.
 */
export function useDashboardFilters(): [
  DashboardFilters,
  (key: FilterKey, value: string | undefined) => void,
] {
  const [params, setParams] = useSearchParams();
  const filters: DashboardFilters = {};
  for (const key of FILTER_KEYS) {
    const value = params.get(key);
    if (value) filters[key] = value;
  }
  const setFilter = (key: FilterKey, value: string | undefined) => {
    const next = new URLSearchParams(params);
    if (value) next.set(key, value);
    else next.delete(key);
    setParams(next);
  };
  return [filters, setFilter];
}
