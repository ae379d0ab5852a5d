import { AuthService, LoggerService } from '@backstage/backend-plugin-api';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { EvaluationSummary } from '@paved-road/backstage-plugin-common';

/** Entities waited for at once; beyond that the scheduled pass evaluates them. */
const MAX_WATCHED = 1000;

const message = (error: unknown) =>
  error instanceof Error ? error.message : String(error);

/**
 * Evaluates an entity scaffolded from a golden path as soon as the catalog has it, so
 * its scorecards do not wait for the next scheduled pass. A recorded scaffold event
 * starts a watch: the catalog is asked for the entity (with the plugin's own
 * credentials) at once and then every `pollIntervalMs`, for up to `timeoutMs`; when it
 * appears it is evaluated on demand (which also marks the aggregates for the next
 * pass). One watch per ref: another event for a ref being watched adds nothing.
 *
 * @internal
 */
export class ScaffoldedEntityWatcher {
  private readonly watching = new Map<string, ReturnType<typeof setTimeout>>();
  private stopped = false;

  constructor(
    private readonly options: {
      catalog: CatalogService;
      auth: AuthService;
      logger: LoggerService;
      evaluation: {
        evaluateEntity(
          entityRef: string,
        ): Promise<EvaluationSummary | undefined>;
      };
      pollIntervalMs: number;
      timeoutMs: number;
    },
  ) {}

  /** Starts waiting for the entity; returns at once and never throws. */
  watch(entityRef: string): void {
    if (this.stopped || this.watching.has(entityRef)) return;
    if (this.watching.size >= MAX_WATCHED) {
      this.options.logger.warn(
        `Paved Road: already waiting for ${MAX_WATCHED} scaffolded entities to appear in the catalog; ${entityRef} is evaluated by the next scheduled pass instead`,
      );
      return;
    }
    const recordedAt = Date.now();
    this.next(entityRef, recordedAt, 0);
  }

  /** Ends every watch; called when the backend shuts down. */
  stop(): void {
    this.stopped = true;
    for (const timer of this.watching.values()) clearTimeout(timer);
    this.watching.clear();
  }

  private next(entityRef: string, recordedAt: number, delay: number) {
    const timer = setTimeout(() => this.poll(entityRef, recordedAt), delay);
    timer.unref?.();
    this.watching.set(entityRef, timer);
  }

  private async poll(entityRef: string, recordedAt: number) {
    const { catalog, auth, logger, evaluation } = this.options;
    if (this.stopped) return;
    try {
      const entity = await catalog.getEntityByRef(entityRef, {
        credentials: await auth.getOwnServiceCredentials(),
      });
      if (entity && (await evaluation.evaluateEntity(entityRef))) {
        this.watching.delete(entityRef);
        logger.info(
          `Paved Road: evaluated the scaffolded entity ${entityRef} as soon as the catalog had it, ${Math.round(
            (Date.now() - recordedAt) / 1000,
          )} s after its scaffold event`,
        );
        return;
      }
    } catch (error) {
      logger.warn(
        `Paved Road: could not evaluate the scaffolded entity ${entityRef} yet, trying again in ${
          this.options.pollIntervalMs
        } ms: ${message(error)}`,
      );
    }
    if (this.stopped) return;
    const left = recordedAt + this.options.timeoutMs - Date.now();
    if (left <= 0) {
      this.watching.delete(entityRef);
      logger.info(
        `Paved Road: ${entityRef} was not in the catalog within ${Math.round(
          this.options.timeoutMs / 1000,
        )} s of its scaffold event (pavedRoad.scaffoldedEntities.timeout); the scheduled pass evaluates it once the catalog has it. If it never appears, check that the template registered it (catalog:register, or the catalog location of paved-road:publish:local).`,
      );
      return;
    }
    this.next(
      entityRef,
      recordedAt,
      Math.min(this.options.pollIntervalMs, left),
    );
  }
}
