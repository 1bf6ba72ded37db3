import type { z } from 'zod';

/** Turns zod issues into `path: message` lines, the one format every boundary reports in. */
export function formatZodIssues(error: z.ZodError): string[] {
  return error.issues.map((issue) => {
    const path = issue.path.map(String).join('.');
    return path ? `${path}: ${issue.message}` : issue.message;
  });
}
