import { z } from 'zod';

/** Body of the note and resolve actions. */
export const incidentActionBodySchema = z.strictObject({
  /** The note, or why it was resolved. */
  text: z.string().trim().min(1).max(4000).optional(),
});
