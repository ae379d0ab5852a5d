/**
 * Extension points for Paved Road backend modules.
 *
 * @packageDocumentation
 */

export * from './extensions';
