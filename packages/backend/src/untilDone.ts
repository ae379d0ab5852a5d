import {
  LoggerService,
  RootLifecycleService,
} from '@backstage/backend-plugin-api';

/**
 * Dev instance only: runs `step` every 5 seconds until it answers true (its data is
 * written) or the backend stops. A step that throws (the plugin's tables are not there
 * yet) is tried again.
 */
export function untilDone(
  what: string,
  step: () => Promise<boolean>,
  deps: { logger: LoggerService; lifecycle: RootLifecycleService },
) {
  let stopped = false;
  deps.lifecycle.addShutdownHook(() => {
    stopped = true;
  });
  const attempt = async () => {
    if (stopped) return;
    try {
      if (await step()) {
        deps.logger.info(`${what} written for the dev instance`);
        return;
      }
    } catch (error) {
      deps.logger.debug(`${what} not written yet: ${error}`);
    }
    setTimeout(attempt, 5_000).unref();
  };
  setTimeout(attempt, 5_000).unref();
}
