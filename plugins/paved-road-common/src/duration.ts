import { InputError } from '@backstage/errors';

const ISO_DURATION =
  /^P(?:(\d+(?:\.\d+)?)W)?(?:(\d+(?:\.\d+)?)D)?(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?$/;

/**
 * Converts an ISO 8601 duration (`PT40H`, `P2D`, `P1DT4H30M`) to hours. Days count as
 * 24 hours and weeks as 7 days; years and months are refused because their length varies.
 *
 * @param value - the duration text
 * @param where - names the field the text came from, for the error message
 * @public
 */
export function durationToHours(value: string, where = 'duration'): number {
  const match = ISO_DURATION.exec(value.trim());
  if (!match || value.trim() === 'P' || value.trim().endsWith('T')) {
    throw new InputError(
      `${where} must be an ISO 8601 duration such as PT40H or P1DT4H, got '${value}'`,
    );
  }
  const [, weeks, days, hours, minutes, seconds] = match.map(part =>
    part === undefined ? 0 : Number(part),
  );
  return (
    Number(weeks) * 168 +
    Number(days) * 24 +
    Number(hours) +
    Number(minutes) / 60 +
    Number(seconds) / 3600
  );
}
