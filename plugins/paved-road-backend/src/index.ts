/**
 * The Paved Road backend plugin.
 *
 * @packageDocumentation
 */

export { pavedRoadPlugin as default } from './plugin';
