/**
 * What the generators know about the backend's data, and realistic values made from
 * it: entity refs of the catalog as they may be written (and wrong ones), dates within
 * the history the backend may hold.
 */
import fc from 'fast-check';
import { hostileString } from './hostileValues';

/** What the generators know about the backend's data, read from it at start-up. */
export interface Realistic {
  /** Every entity ref of the catalog. */
  entityRefs: string[];
  /** Scorecard, level and check ids of the loaded definitions, and their guardrails. */
  scorecardIds: string[];
  levelIds: string[];
  checkIds: string[];
  /** Each loaded scorecard's level and check ids, by scorecard id. */
  scorecards: Record<string, { levels: string[]; checks: string[] }>;
  guardrails: string[];
  /** Fact paths the rules use and the facts have. */
  factPaths: string[];
  /** Paths of the facts that hold strings, and of pushed facts. */
  stringFactPaths: string[];
  pushedFactPaths: string[];
  /** Fact source ids (and pushed sources). */
  sourceIds: string[];
  kinds: string[];
  types: string[];
  lifecycles: string[];
  templateVersions: string[];
  /** Ids of the recorded upgrade runs. */
  upgradeRunIds: string[];
  /** Ids of the campaigns (configured and created at start-up). */
  campaignIds: string[];
  /** ETags the backend answered with. */
  etags: string[];
}

/** The kind of an entity ref (`component` of `component:default/x`). */
export const refKind = (ref: string) => ref.slice(0, ref.indexOf(':'));

/** Ways one entity ref may be written: the kind's case, shorthands. */
function refVariants(ref: string, defaultKind?: string): fc.Arbitrary<string> {
  const kind = refKind(ref);
  const [namespace, name] = ref.slice(kind.length + 1).split('/');
  const variants = [
    ref,
    `${kind[0].toUpperCase()}${kind.slice(1)}:${namespace}/${name}`,
    `${kind}:${name}`,
  ];
  if (defaultKind === kind) variants.push(name, `${namespace}/${name}`);
  return fc.constantFrom(...variants);
}

/** Entity refs of `kinds` (any kind when none), as they may be written. */
export function entityRef(
  realistic: Realistic,
  kinds?: string[],
  defaultKind?: string,
): fc.Arbitrary<string> {
  const refs = realistic.entityRefs.filter(
    r => !kinds || kinds.includes(refKind(r)),
  );
  return fc.constantFrom(...refs).chain(ref => refVariants(ref, defaultKind));
}

/** Entity refs that are malformed, or whose kind does not fit (`kinds`). */
export function wrongEntityRef(
  realistic: Realistic,
  kinds?: string[],
): fc.Arbitrary<string> {
  const others = realistic.entityRefs.filter(
    r => kinds && !kinds.includes(refKind(r)),
  );
  return fc.oneof(
    ...(others.length
      ? [{ weight: 3, arbitrary: fc.constantFrom(...others) }]
      : []),
    {
      weight: 2,
      arbitrary: fc.constantFrom(
        'a:b:c/d',
        ':/',
        'component:',
        'component:default/',
        '/orders-api',
        ':default/orders-api',
        'component:default/orders-api/extra',
        'component:default/orders api',
        `component:default/${'n'.repeat(64)}`,
        `component:${'n'.repeat(64)}/x`,
        `${'k'.repeat(300)}:default/x`,
        'component:default/-leading',
        'component:default/trailing.',
        'component:default/a..b',
        'component:default/%00',
        'component:default/..',
        'template:default/../../x',
        'org',
        'ORG',
        'group:org',
        'component:default/payments-api\u0000',
        'component:default/ghost-entity',
      ),
    },
    {
      weight: 2,
      arbitrary: hostileString(entityRef(realistic, kinds)),
    },
  );
}

/** An ISO date (YYYY-MM-DD) within the history the backend may hold. */
export const day = fc
  .date({
    min: new Date('2024-01-01T00:00:00Z'),
    max: new Date('2027-12-31T00:00:00Z'),
    noInvalidDate: true,
  })
  .map(d => d.toISOString().slice(0, 10));

/** An ISO date-time within the history the backend may hold. */
export const dateTime = fc
  .date({
    min: new Date('2020-01-01T00:00:00Z'),
    max: new Date('2027-12-31T00:00:00Z'),
    noInvalidDate: true,
  })
  .map(d => d.toISOString());
