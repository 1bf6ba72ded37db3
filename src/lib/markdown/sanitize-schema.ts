import { defaultSchema } from 'rehype-sanitize';
import type { Options as SanitizeSchema } from 'rehype-sanitize';

/**
 * GitHub's sanitize schema, which is what doc authors expect from markdown they also read
 * on GitHub, with ids left unprefixed: heading ids are added after sanitizing, and raw
 * HTML ids are dropped so a doc cannot clobber the page's own elements.
 */
export const docSanitizeSchema: SanitizeSchema = {
  ...defaultSchema,
  clobberPrefix: '',
  attributes: {
    ...defaultSchema.attributes,
    '*': (defaultSchema.attributes?.['*'] ?? []).filter((attribute) => attribute !== 'id'),
    code: [['className', /^language-./], 'dataBlockNonce'],
  },
};
