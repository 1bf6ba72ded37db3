import { docHref } from '../docs/index.ts';
import { blockAnchor, blockIdParts } from './block-identity.ts';

/** The URL of a block on its doc page. */
export function blockHref(id: string): string {
  return `${docHref(blockIdParts(id).docId)}#${blockAnchor(id)}`;
}
