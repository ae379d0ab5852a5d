/**
 * A controlled clock for backend tests: fakes `Date` only, so a test sets the day with
 * `jest.setSystemTime` while the backends' own timers, promises and I/O run as usual.
 * Undo with `jest.useRealTimers()`.
 */
export function useControlledClock(now: string) {
  jest.useFakeTimers({
    now: new Date(now),
    doNotFake: [
      'nextTick',
      'setImmediate',
      'clearImmediate',
      'setTimeout',
      'clearTimeout',
      'setInterval',
      'clearInterval',
      'queueMicrotask',
      'hrtime',
      'performance',
    ],
  });
}
